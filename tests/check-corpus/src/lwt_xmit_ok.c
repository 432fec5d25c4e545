// expect: ok
#include "common.h"

SEC("lwt_xmit")
int encap(struct __sk_buff *skb)
{
	__u32 v = 0;

	bpf_skb_load_bytes(skb, 0, &v, sizeof(v));
	return v ? BPF_OK : BPF_DROP;
}

LICENSE("GPL");
