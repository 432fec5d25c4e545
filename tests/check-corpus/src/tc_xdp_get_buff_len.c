// expect: reject helper-not-allowed bpf_xdp_get_buff_len
#include "common.h"

SEC("tc")
int size(struct __sk_buff *skb)
{
	return bpf_xdp_get_buff_len((void *)skb) > 100 ? TC_ACT_OK : TC_ACT_SHOT;
}

LICENSE("GPL");
