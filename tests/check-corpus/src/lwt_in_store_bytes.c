// expect: reject helper-not-allowed bpf_skb_store_bytes
#include "common.h"

SEC("lwt_in")
int rewrite(struct __sk_buff *skb)
{
	__u8 v = 0;

	bpf_skb_store_bytes(skb, 0, &v, 1, 0);
	return BPF_OK;
}

LICENSE("GPL");
