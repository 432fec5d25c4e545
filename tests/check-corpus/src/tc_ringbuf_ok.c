// expect: ok
#include "common.h"

RINGBUF(events);

SEC("tc")
int report(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	bpf_ringbuf_output(&events, &len, sizeof(len), 0);
	return TC_ACT_OK;
}

LICENSE("GPL");
