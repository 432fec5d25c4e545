// expect: reject helper-not-allowed bpf_skb_store_bytes
#include "common.h"

SEC("flow_dissector")
int dissect(struct __sk_buff *skb)
{
	__u16 proto = 0;

	bpf_skb_store_bytes(skb, 12, &proto, sizeof(proto), 0);
	return BPF_OK;
}

LICENSE("GPL");
