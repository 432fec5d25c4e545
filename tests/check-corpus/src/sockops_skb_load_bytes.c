// expect: reject helper-not-allowed bpf_skb_load_bytes
#include "common.h"

SEC("sockops")
int peek(struct bpf_sock_ops *skops)
{
	__u32 v = 0;

	bpf_skb_load_bytes(skops, 0, &v, sizeof(v));
	return v;
}

LICENSE("GPL");
