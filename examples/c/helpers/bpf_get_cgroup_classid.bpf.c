// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_cgroup_classid: count egress packets per net_cls class id (cgroup v1).
//
// The class id is the `net_cls.classid` of the cgroup that owns the packet's
// socket; it is 0 when the packet has no socket, when net_cls is not mounted
// (cgroup v2 only systems) or when no id was set. For cgroup v2, compare
// `bpf_skb_cgroup_id` instead. This host has no net_cls class set, so the
// test packet counts as class 0.
//
// bpfspec: run retval=0
// bpfspec: expect-map per_class[0] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* class id, major:minor as 0xMMMMmmmm */
	__type(value, __u64);
} per_class SEC(".maps");

SEC("tc")
int count_by_classid(struct __sk_buff *skb)
{
	__u32 classid = bpf_get_cgroup_classid(skb);
	__u64 *n = bpf_map_lookup_elem(&per_class, &classid);
	if (n) {
		__sync_fetch_and_add(n, 1);
	} else {
		__u64 one = 1;
		/* Another CPU may insert the key first; then count on its entry. */
		if (bpf_map_update_elem(&per_class, &classid, &one, BPF_NOEXIST)) {
			n = bpf_map_lookup_elem(&per_class, &classid);
			if (n)
				__sync_fetch_and_add(n, 1);
		}
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
