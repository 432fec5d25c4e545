// expect: ok
#include "common.h"

MAP(known, BPF_MAP_TYPE_HASH, __u32, __u32, 16);

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	void *volatile spilled = &known;
	__u32 key = ctx->ingress_ifindex;
	void *map = spilled;

	return bpf_map_lookup_elem(map, &key) ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
