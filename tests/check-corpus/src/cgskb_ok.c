// expect: ok
#include "common.h"

MAP(by_cgroup, BPF_MAP_TYPE_HASH, __u64, __u64, 64);

SEC("cgroup_skb/ingress")
int account(struct __sk_buff *skb)
{
	__u64 id = bpf_skb_cgroup_id(skb);
	__u64 *n = bpf_map_lookup_elem(&by_cgroup, &id);

	if (n)
		__sync_fetch_and_add(n, skb->len);
	return 1;
}

LICENSE("GPL");
