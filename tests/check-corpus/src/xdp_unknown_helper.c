// expect: reject unknown-helper -
#include "common.h"

static long (*bpf_made_up)(void) = (void *)250;

SEC("xdp")
int future(struct xdp_md *ctx)
{
	return bpf_made_up() ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
