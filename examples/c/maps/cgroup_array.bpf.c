// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_CGROUP_ARRAY: let a tc program ask whether a packet's socket belongs to a cgroup.
//
// User space opens a cgroup v2 directory and stores its fd at an index; the program then
// tests membership with bpf_skb_under_cgroup() (or, in tracing programs,
// bpf_current_task_under_cgroup()). Membership includes descendants of that cgroup. The
// helper returns 1 or 0, and a negative error when the slot is empty, as in a test run here,
// where the program lets the packet through.
//
// bpfspec: run retval=0
// bpfspec: expect-map verdicts[2] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 1);
} watched_cgroup SEC(".maps");

/* Slot 0: outside the cgroup, 1: inside, 2: no answer (empty slot, no socket). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 3);
} verdicts SEC(".maps");

SEC("tc")
int mark_cgroup_traffic(struct __sk_buff *skb)
{
	long in = bpf_skb_under_cgroup(skb, &watched_cgroup, 0);
	__u32 slot = in < 0 ? 2 : in ? 1 : 0;
	__u64 *n = bpf_map_lookup_elem(&verdicts, &slot);

	if (n)
		__sync_fetch_and_add(n, 1);
	if (in == 1)
		skb->mark = 0x1;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
