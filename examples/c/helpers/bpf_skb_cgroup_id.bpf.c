// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_cgroup_id: find out which cgroup v2 the socket that sent a packet belongs to.
//
// On tc egress (or in cgroup_skb) the id comes from the packet's socket, not
// from the current task, which is the right thing for traffic that leaves
// from softirq context. Packets without a socket (forwarded traffic) give 0.
// The program records the last id it saw; in a test run the packet carries a
// dummy socket created in the cgroup of the task running the test.
//
// bpfspec: run retval=0
// bpfspec: expect-map last_cgroup[0] != 0
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} last_cgroup SEC(".maps");

SEC("tc")
int egress_by_cgroup(struct __sk_buff *skb)
{
	__u64 id = bpf_skb_cgroup_id(skb);
	__u32 key = 0;

	if (id)
		bpf_map_update_elem(&last_cgroup, &key, &id, BPF_ANY);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
