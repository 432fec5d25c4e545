// expect: ok
#include "common.h"

SEC("flow_dissector")
int dissect(struct __sk_buff *skb)
{
	__u16 proto = 0;

	if (bpf_skb_load_bytes(skb, 12, &proto, sizeof(proto)))
		return BPF_DROP;
	return BPF_OK;
}

LICENSE("GPL");
