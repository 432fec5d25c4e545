// expect: reject map-type-mismatch bpf_perf_event_output
#include "common.h"

MAP(events, BPF_MAP_TYPE_HASH, __u32, __u32, 16);

SEC("tc")
int report(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	bpf_perf_event_output(skb, &events, BPF_F_CURRENT_CPU, &len, sizeof(len));
	return TC_ACT_OK;
}

LICENSE("GPL");
