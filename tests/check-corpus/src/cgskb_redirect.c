// expect: reject helper-not-allowed bpf_redirect
#include "common.h"

SEC("cgroup_skb/egress")
int divert(struct __sk_buff *skb)
{
	bpf_redirect(1, 0);
	return 1;
}

LICENSE("GPL");
