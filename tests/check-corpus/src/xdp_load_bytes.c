// expect: ok
#include "common.h"

SEC("xdp.frags")
int parse(struct xdp_md *ctx)
{
	__u16 proto = 0;

	bpf_xdp_load_bytes(ctx, 12, &proto, sizeof(proto));
	return proto ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
