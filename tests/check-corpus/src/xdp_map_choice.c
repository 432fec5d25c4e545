// expect: reject map-type-mismatch bpf_map_lookup_elem
#include "common.h"

MAP(small, BPF_MAP_TYPE_HASH, __u32, __u32, 16);
MAP(jumps, BPF_MAP_TYPE_PROG_ARRAY, __u32, __u32, 4);

/* One of two maps reaches the helper, depending on the packet: both are checked. */
SEC("xdp")
int entry(struct xdp_md *ctx)
{
	__u32 key = 0;
	void *map = &small;

	if (OPAQUE(ctx->ingress_ifindex) > 10)
		map = &jumps;
	return bpf_map_lookup_elem(map, &key) ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
