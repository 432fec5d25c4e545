// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_smp_processor_id: see how packets spread over CPUs (a check of RSS or RPS).
//
// The CPU number indexes an array of counters. BPF programs run with migration
// disabled, so the number stays valid for the whole run. A per-CPU array would
// avoid the atomic add; the plain array keeps the example short. Slot `MAX_CPUS`
// counts every packet, so the total is easy to compare with the per-CPU slots.
//
// bpfspec: run retval=2
// bpfspec: expect-map per_cpu[256] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_CPUS 256

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_CPUS + 1);
	__type(key, __u32);
	__type(value, __u64);
} per_cpu SEC(".maps");

SEC("xdp")
int spread(struct xdp_md *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();
	__u32 total = MAX_CPUS;
	__u64 *n;

	/* Machines with more CPUs than slots are folded into the total only. */
	if (cpu < MAX_CPUS) {
		n = bpf_map_lookup_elem(&per_cpu, &cpu);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	n = bpf_map_lookup_elem(&per_cpu, &total);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
