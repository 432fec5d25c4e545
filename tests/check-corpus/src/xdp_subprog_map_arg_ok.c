// expect: ok
#include "common.h"

MAP(known, BPF_MAP_TYPE_LRU_HASH, __u32, __u32, 16);

static __attribute__((noinline)) int seen(void *map, __u32 key)
{
	return bpf_map_lookup_elem(map, &key) != 0;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	return seen(&known, ctx->ingress_ifindex) ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
