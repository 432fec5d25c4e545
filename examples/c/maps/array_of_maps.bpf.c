// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_ARRAY_OF_MAPS: swap a whole configuration table at once by replacing an inner map.
//
// The outer array holds references to inner maps that all match the template given with
// __array(values, ...). A lookup in the outer map yields the inner map, which is then used
// like any map. User space builds a new inner map, fills it, and stores its fd in the outer
// slot: programs see the old or the new table, never a half-written one. Here libbpf stores
// `limits_v1` in slot 0 at load time from the static initialiser.
//
// bpfspec: run retval=2
// bpfspec: expect-map limits_v1[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct limits {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
};

struct limits limits_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__type(key, __u32);
	__uint(max_entries, 1);
	__array(values, struct limits);
} current_limits SEC(".maps") = {
	.values = { [0] = &limits_v1 },
};

SEC("xdp")
int use_current_table(struct xdp_md *ctx)
{
	__u32 zero = 0;
	void *table = bpf_map_lookup_elem(&current_limits, &zero);
	if (!table)
		return XDP_PASS; /* user space has not installed a table yet */

	__u64 *hits = bpf_map_lookup_elem(table, &zero);
	if (hits)
		__sync_fetch_and_add(hits, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
