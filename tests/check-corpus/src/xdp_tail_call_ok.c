// expect: ok
#include "common.h"

MAP(targets, BPF_MAP_TYPE_PROG_ARRAY, __u32, __u32, 4);

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &targets, 0);
	return XDP_PASS;
}

LICENSE("GPL");
