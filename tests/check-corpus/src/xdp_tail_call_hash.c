// expect: reject map-type-mismatch bpf_tail_call
#include "common.h"

MAP(targets, BPF_MAP_TYPE_HASH, __u32, __u32, 4);

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &targets, 0);
	return XDP_PASS;
}

LICENSE("GPL");
