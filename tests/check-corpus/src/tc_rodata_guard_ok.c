// expect: ok
#include "common.h"

RINGBUF(events);

const volatile int use_perf_buffer = 0;

/* A `const volatile` setting is frozen at load time: the verifier skips the dead branch. */
SEC("tc")
int report(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	if (use_perf_buffer)
		bpf_perf_event_output(skb, &events, BPF_F_CURRENT_CPU, &len, sizeof(len));
	else
		bpf_ringbuf_output(&events, &len, sizeof(len), 0);
	return TC_ACT_OK;
}

LICENSE("GPL");
