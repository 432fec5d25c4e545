// expect: ok
#include "common.h"
#include <bpf/bpf_core_read.h>

struct bpf_ringbuf {
	int unused;
};

RINGBUF(events);

/* libbpf-tools' compat pattern: the perf path is dead once the CO-RE check is resolved
 * on a kernel with ring buffers, and the verifier never looks at it. */
SEC("tc")
int report(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	if (bpf_core_type_exists(struct bpf_ringbuf))
		bpf_ringbuf_output(&events, &len, sizeof(len), 0);
	else
		bpf_perf_event_output(skb, &events, BPF_F_CURRENT_CPU, &len, sizeof(len));
	return TC_ACT_OK;
}

LICENSE("GPL");
