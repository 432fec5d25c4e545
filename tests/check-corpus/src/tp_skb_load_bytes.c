// expect: reject helper-not-allowed bpf_skb_load_bytes
#include "common.h"

SEC("tp/net/netif_receive_skb")
int on_rx(void *ctx)
{
	__u32 v = 0;

	bpf_skb_load_bytes(ctx, 0, &v, sizeof(v));
	return v;
}

LICENSE("GPL");
