// expect: reject helper-not-allowed bpf_skb_store_bytes
#include "common.h"

/* Socket filters may read packets but not modify them. */
SEC("socket")
int rewrite(struct __sk_buff *skb)
{
	__u8 zero = 0;

	bpf_skb_store_bytes(skb, 0, &zero, 1, 0);
	return skb->len;
}

LICENSE("GPL");
