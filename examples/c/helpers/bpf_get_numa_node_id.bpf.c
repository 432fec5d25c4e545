// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_numa_node_id: count packets per NUMA node to spot traffic handled far from its NIC.
//
// The node is the one of the CPU running the program. Slot `MAX_NODES` counts
// all packets; nodes at or beyond `MAX_NODES` are only counted there.
//
// bpfspec: run retval=2
// bpfspec: expect-map per_node[64] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_NODES 64

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_NODES + 1);
	__type(key, __u32);
	__type(value, __u64);
} per_node SEC(".maps");

SEC("xdp")
int per_numa_node(struct xdp_md *ctx)
{
	__u32 node = bpf_get_numa_node_id();
	__u32 total = MAX_NODES;
	__u64 *n;

	if (node < MAX_NODES) {
		n = bpf_map_lookup_elem(&per_node, &node);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	n = bpf_map_lookup_elem(&per_node, &total);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
