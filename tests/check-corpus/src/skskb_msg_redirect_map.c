// expect: reject helper-not-allowed bpf_msg_redirect_map
#include "common.h"

MAP_SIZED(socks, BPF_MAP_TYPE_SOCKMAP, 4, 8, 4);

SEC("sk_skb/stream_verdict")
int steer(struct __sk_buff *skb)
{
	return bpf_msg_redirect_map((void *)skb, &socks, 0, 0);
}

LICENSE("GPL");
