// expect: ok
#include "common.h"

SEC("action")
int act(struct __sk_buff *skb)
{
	__u16 proto = 0;

	bpf_skb_load_bytes(skb, 12, &proto, sizeof(proto));
	return proto ? TC_ACT_OK : TC_ACT_SHOT;
}

LICENSE("GPL");
