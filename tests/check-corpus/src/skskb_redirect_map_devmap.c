// expect: reject map-type-mismatch bpf_sk_redirect_map
#include "common.h"

MAP(ports, BPF_MAP_TYPE_DEVMAP, __u32, __u32, 4);

SEC("sk_skb/stream_verdict")
int steer(struct __sk_buff *skb)
{
	return bpf_sk_redirect_map(skb, &ports, 0, 0);
}

LICENSE("GPL");
