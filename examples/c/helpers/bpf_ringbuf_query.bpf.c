// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ringbuf_query: look at a ring buffer's fill level to decide when to wake the reader.
//
// After each record, the program asks how many bytes are waiting to be consumed
// (BPF_RB_AVAIL_DATA). The reader is only woken once a quarter of the buffer is pending,
// which keeps wakeups rare without letting the buffer fill up. The answer is a snapshot:
// other CPUs may produce or the reader may consume at the same moment.
//
// bpfspec: run retval=1
// bpfspec: expect-map fill[0] > 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define RB_SIZE (64 * 1024)

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RB_SIZE);
} events SEC(".maps");

/* 0: bytes pending after the last record, 1: total ring size as the kernel reports it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} fill SEC(".maps");

SEC("socket")
int note_lengths(struct __sk_buff *skb)
{
	__u32 k0 = 0, k1 = 1;
	__u64 *pending = bpf_map_lookup_elem(&fill, &k0);
	__u64 *size = bpf_map_lookup_elem(&fill, &k1);
	__u32 len = skb->len;
	__u64 avail;

	if (!pending || !size)
		return 1;
	avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	bpf_ringbuf_output(&events, &len, sizeof(len),
			   avail + 16 >= RB_SIZE / 4 ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);

	*pending = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	*size = bpf_ringbuf_query(&events, BPF_RB_RING_SIZE);
	/* A socket filter's return value is how many bytes to keep; 1 keeps the test run simple. */
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
