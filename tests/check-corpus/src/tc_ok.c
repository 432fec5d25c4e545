// expect: ok
#include "common.h"

SEC("tc")
int mark(struct __sk_buff *skb)
{
	__u8 ttl = 64;

	bpf_skb_store_bytes(skb, 22, &ttl, 1, BPF_F_RECOMPUTE_CSUM);
	if (skb->len > 1000)
		return bpf_redirect(skb->ifindex, 0);
	return TC_ACT_OK;
}

LICENSE("GPL");
