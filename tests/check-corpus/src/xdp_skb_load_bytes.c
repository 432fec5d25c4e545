// expect: reject helper-not-allowed bpf_skb_load_bytes
#include "common.h"

SEC("xdp")
int parse(struct xdp_md *ctx)
{
	__u16 proto = 0;

	bpf_skb_load_bytes(ctx, 12, &proto, sizeof(proto));
	return proto ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
