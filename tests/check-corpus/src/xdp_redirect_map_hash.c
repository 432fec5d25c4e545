// expect: reject map-type-mismatch bpf_redirect_map
#include "common.h"

MAP(ports, BPF_MAP_TYPE_HASH, __u32, __u32, 8);

/* bpf_redirect_map needs a devmap, cpumap or xskmap. */
SEC("xdp")
int forward(struct xdp_md *ctx)
{
	return bpf_redirect_map(&ports, 0, XDP_PASS);
}

LICENSE("GPL");
