// expect: reject map-type-mismatch bpf_for_each_map_elem
#include "common.h"

RINGBUF(ring);

static long visit(void *map, __u32 *key, __u64 *value, void *ctx)
{
	return 0;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	bpf_for_each_map_elem(&ring, visit, 0, 0);
	return XDP_PASS;
}

LICENSE("GPL");
