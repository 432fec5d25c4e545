// expect: reject map-type-mismatch bpf_map_lookup_elem
#include "common.h"

RINGBUF(ring);

/* The map reaches the helper as an argument of a static subprogram. */
static __attribute__((noinline)) int seen(void *map, __u32 key)
{
	return bpf_map_lookup_elem(map, &key) != 0;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	return seen(&ring, ctx->ingress_ifindex) ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
