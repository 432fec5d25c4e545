// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_output: send dropped packets, headers and all, to user space from a BTF tracepoint.
//
// Attached to the kfree_skb tracepoint (which fires when the kernel drops a packet), the
// program emits a small metadata record followed by the first bytes of the packet itself
// through a perf event array. The packet bytes are not copied by the program: the upper 32
// bits of the flags tell the kernel how many to append, and the lower bits pick the CPU's
// ring (BPF_F_CURRENT_CPU). This is what tools like dropwatch need to show the drop reason
// together with the packet. The helper needs a typed struct sk_buff pointer, as tp_btf and
// fentry programs get.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define SNAP_LEN 64

struct sk_buff {
	unsigned int len;
} __attribute__((preserve_access_index));

struct drop_meta {
	__u64 ts_ns;
	__u32 reason;
	__u32 pkt_len;
	__u64 location; /* kernel address where the drop happened */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} drops SEC(".maps");

SEC("tp_btf/kfree_skb")
int BPF_PROG(report_drop, struct sk_buff *skb, void *location, int reason)
{
	struct drop_meta meta = {};
	__u64 snap = skb->len < SNAP_LEN ? skb->len : SNAP_LEN;

	meta.ts_ns = bpf_ktime_get_ns();
	meta.reason = reason;
	meta.pkt_len = skb->len;
	meta.location = (__u64)(long)location;
	bpf_skb_output(skb, &drops, BPF_F_CURRENT_CPU | (snap << 32), &meta, sizeof(meta));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
