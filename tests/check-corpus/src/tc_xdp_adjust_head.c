// expect: reject helper-not-allowed bpf_xdp_adjust_head
#include "common.h"

SEC("tc")
int strip(struct __sk_buff *skb)
{
	return bpf_xdp_adjust_head((void *)skb, 14) ? TC_ACT_SHOT : TC_ACT_OK;
}

LICENSE("GPL");
