// expect: reject map-type-mismatch bpf_map_push_elem
#include "common.h"

MAP(slots, BPF_MAP_TYPE_ARRAY, __u32, __u32, 16);

/* Push and pop are for queue and stack maps. */
SEC("tc")
int remember(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	bpf_map_push_elem(&slots, &len, 0);
	return TC_ACT_OK;
}

LICENSE("GPL");
