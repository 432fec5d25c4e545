// expect: ok
#include "common.h"

MAP_SIZED(socks, BPF_MAP_TYPE_SOCKMAP, 4, 8, 4);

SEC("sk_msg")
int steer(struct sk_msg_md *msg)
{
	bpf_msg_apply_bytes(msg, 64);
	return bpf_msg_redirect_map(msg, &socks, 0, BPF_F_INGRESS);
}

LICENSE("GPL");
