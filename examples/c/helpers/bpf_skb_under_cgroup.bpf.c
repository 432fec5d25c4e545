// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_under_cgroup: drop egress packets from sockets of one cgroup v2 subtree.
//
// User space stores a cgroup directory's fd at index 0 of the cgroup array.
// The helper returns 1 when the packet's socket belongs to that cgroup or a
// descendant, 0 when it does not, and a negative error when the slot is empty
// or the packet has no full socket. Errors are counted and the packet passes,
// which is what the test run shows (nothing is configured).
//
// bpfspec: run retval=0
// bpfspec: expect-map verdicts[2] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} blocked_cgroup SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32); /* 0: outside, 1: inside (dropped), 2: error */
	__type(value, __u64);
} verdicts SEC(".maps");

SEC("tc")
int block_cgroup(struct __sk_buff *skb)
{
	long under = bpf_skb_under_cgroup(skb, &blocked_cgroup, 0);
	__u32 key = under < 0 ? 2 : under == 1 ? 1 : 0;
	__u64 *n = bpf_map_lookup_elem(&verdicts, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return key == 1 ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
