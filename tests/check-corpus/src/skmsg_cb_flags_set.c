// expect: reject helper-not-allowed bpf_sock_ops_cb_flags_set
#include "common.h"

SEC("sk_msg")
int flags(struct sk_msg_md *msg)
{
	bpf_sock_ops_cb_flags_set((void *)msg, 0);
	return SK_PASS;
}

LICENSE("GPL");
