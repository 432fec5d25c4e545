// expect: ok
#include "common.h"

MAP_SIZED(events, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0);

SEC("classifier")
int report(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	bpf_perf_event_output(skb, &events, BPF_F_CURRENT_CPU, &len, sizeof(len));
	return TC_ACT_OK;
}

LICENSE("GPL");
