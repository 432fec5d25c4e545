// expect: reject helper-not-allowed bpf_get_attach_cookie
#include "common.h"

SEC("xdp")
int cookie(struct xdp_md *ctx)
{
	return bpf_get_attach_cookie(ctx) ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
