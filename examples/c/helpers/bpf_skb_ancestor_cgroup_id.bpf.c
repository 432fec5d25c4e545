// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_ancestor_cgroup_id: classify egress traffic by a parent cgroup, not the leaf.
//
// Level 0 is the root cgroup, level 1 its children (e.g. system.slice,
// user.slice), and so on; asking for a level deeper than the socket's cgroup
// returns 0. Matching on level 1 lets one rule cover every service below a
// slice. The program counts packets per level-0 and level-1 ancestor.
//
// bpfspec: run retval=0
// bpfspec: expect-map root_id[0] != 0
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64); /* level-1 cgroup id */
	__type(value, __u64);
	__uint(max_entries, 128);
} per_slice SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} root_id SEC(".maps");

SEC("tc")
int egress_by_slice(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 root = bpf_skb_ancestor_cgroup_id(skb, 0);
	if (root)
		bpf_map_update_elem(&root_id, &key, &root, BPF_ANY);

	__u64 slice = bpf_skb_ancestor_cgroup_id(skb, 1);
	if (!slice)
		return TC_ACT_OK; /* no socket, or the socket sits in the root cgroup */

	__u64 one = 1, *n = bpf_map_lookup_elem(&per_slice, &slice);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&per_slice, &slice, &one, BPF_NOEXIST);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
