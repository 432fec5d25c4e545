// expect: ok
#include "common.h"

MAP(counts, BPF_MAP_TYPE_CGROUP_STORAGE, struct bpf_cgroup_storage_key, __u64, 0);

SEC("cgroup_skb/ingress")
int account(struct __sk_buff *skb)
{
	__u64 *n = bpf_get_local_storage(&counts, 0);

	__sync_fetch_and_add(n, 1);
	return 1;
}

LICENSE("GPL");
