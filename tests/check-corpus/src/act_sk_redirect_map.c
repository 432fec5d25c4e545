// expect: reject helper-not-allowed bpf_sk_redirect_map
#include "common.h"

MAP_SIZED(socks, BPF_MAP_TYPE_SOCKMAP, 4, 8, 4);

SEC("action")
int act(struct __sk_buff *skb)
{
	return bpf_sk_redirect_map(skb, &socks, 0, 0);
}

LICENSE("GPL");
