// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_ecn_set_ce: signal congestion with an ECN mark instead of dropping the packet.
//
// A cgroup_skb egress rate limiter that finds a flow over its budget can set
// Congestion Experienced on ECN-capable packets; the helper returns 1 when it
// marked, 0 when the packet is not ECN-capable (then dropping is the only
// signal). This one treats every packet as over budget to show both outcomes;
// the test packet is Not-ECT, so it is counted as unmarkable and dropped.
//
// bpfspec: run retval=0
// bpfspec: expect-map outcome[1] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2); /* 0: marked CE, 1: not ECN-capable */
} outcome SEC(".maps");

SEC("cgroup_skb/egress")
int mark_congestion(struct __sk_buff *skb)
{
	__u32 key = bpf_skb_ecn_set_ce(skb) ? 0 : 1;
	__u64 *n = bpf_map_lookup_elem(&outcome, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	/* 1 lets the packet go, 0 drops it */
	return key == 0 ? 1 : 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
