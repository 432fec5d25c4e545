// expect: ok
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 16);
	__type(value, __u32);
} lengths SEC(".maps");

SEC("tc")
int remember(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	bpf_map_push_elem(&lengths, &len, 0);
	return TC_ACT_OK;
}

LICENSE("GPL");
