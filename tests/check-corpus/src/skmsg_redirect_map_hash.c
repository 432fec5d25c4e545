// expect: reject map-type-mismatch bpf_msg_redirect_map
#include "common.h"

MAP(socks, BPF_MAP_TYPE_HASH, __u32, __u64, 4);

SEC("sk_msg")
int steer(struct sk_msg_md *msg)
{
	return bpf_msg_redirect_map(msg, &socks, 0, BPF_F_INGRESS);
}

LICENSE("GPL");
