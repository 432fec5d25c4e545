// expect: reject helper-not-allowed bpf_redirect
#include "common.h"

SEC("socket")
int bounce(struct __sk_buff *skb)
{
	return bpf_redirect(skb->ifindex, 0);
}

LICENSE("GPL");
