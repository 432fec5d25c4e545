// expect: reject map-type-mismatch bpf_get_local_storage
#include "common.h"

MAP(counts, BPF_MAP_TYPE_HASH, __u32, __u64, 4);

SEC("cgroup_skb/ingress")
int account(struct __sk_buff *skb)
{
	__u64 *n = bpf_get_local_storage(&counts, 0);

	if (n)
		*n += 1;
	return 1;
}

LICENSE("GPL");
