// expect: ok
#include "common.h"

SEC("cgroup_skb/egress")
int mark_ce(struct __sk_buff *skb)
{
	bpf_skb_ecn_set_ce(skb);
	return 1;
}

LICENSE("GPL");
