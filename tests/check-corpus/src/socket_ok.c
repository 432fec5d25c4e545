// expect: ok
#include "common.h"

MAP(counts, BPF_MAP_TYPE_HASH, __u32, __u64, 64);

SEC("socket")
int count_packets(struct __sk_buff *skb)
{
	__u32 proto = 0;
	__u64 *n;

	bpf_skb_load_bytes(skb, 12, &proto, 2);
	n = bpf_map_lookup_elem(&counts, &proto);
	if (n)
		__sync_fetch_and_add(n, 1);
	return bpf_get_socket_cookie(skb) ? skb->len : 0;
}

LICENSE("GPL");
