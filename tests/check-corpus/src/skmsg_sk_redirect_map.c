// expect: reject helper-not-allowed bpf_sk_redirect_map
#include "common.h"

MAP_SIZED(socks, BPF_MAP_TYPE_SOCKMAP, 4, 8, 4);

/* The skb flavour of the redirect; sk_msg programs use bpf_msg_redirect_map. */
SEC("sk_msg")
int steer(struct sk_msg_md *msg)
{
	return bpf_sk_redirect_map((void *)msg, &socks, 0, 0);
}

LICENSE("GPL");
