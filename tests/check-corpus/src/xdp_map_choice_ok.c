// expect: ok
#include "common.h"

MAP(small, BPF_MAP_TYPE_HASH, __u32, __u32, 16);
MAP(large, BPF_MAP_TYPE_ARRAY, __u32, __u32, 1024);

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	__u32 key = 0;
	void *map = &small;

	if (OPAQUE(ctx->ingress_ifindex) > 10)
		map = &large;
	return bpf_map_lookup_elem(map, &key) ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
