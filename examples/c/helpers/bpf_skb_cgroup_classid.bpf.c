// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_cgroup_classid: classify egress traffic by the net_cls cgroup of the sending socket.
//
// With the cgroup v1 net_cls controller, an administrator tags a group of processes with a
// class ID (net_cls.classid). A tc egress program can read that tag from the packet's socket
// and map it to a priority or a rate class, which is how traffic shaping per container worked
// before cgroup v2. A packet without a socket, or from an untagged cgroup, gives 0; the test
// run's packet is such a packet, so it keeps its default priority.
//
// bpfspec: run retval=0
// bpfspec: expect-map by_class[0] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* Key: net_cls class ID; value: packets seen with it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1024);
} by_class SEC(".maps");

/* Class ID -> skb->priority, filled by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1024);
} class_prio SEC(".maps");

SEC("tc")
int prio_by_classid(struct __sk_buff *skb)
{
	__u32 classid = bpf_skb_cgroup_classid(skb);
	__u64 one = 1, *n;
	__u32 *prio;

	n = bpf_map_lookup_elem(&by_class, &classid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&by_class, &classid, &one, BPF_NOEXIST);

	prio = bpf_map_lookup_elem(&class_prio, &classid);
	if (prio)
		skb->priority = *prio;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
