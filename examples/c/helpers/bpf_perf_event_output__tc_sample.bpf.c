// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_perf_event_output: from tc, send a small header plus the first 64 packet bytes to user space.
//
// In packet programs the upper 32 bits of the flags ask the kernel to append
// that many bytes of the packet to the record, straight from the skb; the
// program never copies them to its stack. The length must not exceed the
// packet, so it is capped at skb->len. User space receives the struct followed
// by the packet bytes. Without a reader (a test run) the call fails and slot 0
// of `lost` counts it.
//
// bpfspec: run retval=0
// bpfspec: expect-map lost[0] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define SAMPLE_LEN 64

struct sample_hdr {
	__u32 ifindex;
	__u32 pkt_len; /* full length; the record carries at most SAMPLE_LEN bytes of it */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

SEC("tc")
int sample_packets(struct __sk_buff *skb)
{
	struct sample_hdr hdr = {
		.ifindex = skb->ifindex,
		.pkt_len = skb->len,
	};
	__u64 len = skb->len < SAMPLE_LEN ? skb->len : SAMPLE_LEN;
	__u64 flags = BPF_F_CURRENT_CPU | (len << 32);

	if (bpf_perf_event_output(skb, &samples, flags, &hdr, sizeof(hdr))) {
		__u32 key = 0;
		__u64 *n = bpf_map_lookup_elem(&lost, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
