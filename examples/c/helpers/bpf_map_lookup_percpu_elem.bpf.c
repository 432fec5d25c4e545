// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_map_lookup_percpu_elem: add up a per-CPU counter across all CPUs from BPF.
//
// bpf_map_lookup_elem on a per-CPU map only sees the slot of the CPU the program runs
// on; this helper takes the CPU number explicitly and returns NULL past the last
// possible CPU, which ends the loop. Each packet bumps its CPU's counter and the total
// is published in a plain array, so after one test run the total is 1.
//
// bpfspec: run retval=2
// bpfspec: expect-map total[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_CPUS 128

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} per_cpu_packets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} total SEC(".maps");

struct sum_ctx {
	__u64 sum;
};

static long add_cpu(__u32 cpu, struct sum_ctx *c)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_percpu_elem(&per_cpu_packets, &key, cpu);

	if (!v)
		return 1; /* no such CPU: done */
	c->sum += *v;
	return 0;
}

SEC("xdp")
int count_all_cpus(struct xdp_md *ctx)
{
	struct sum_ctx c = {};
	__u32 key = 0;
	__u64 *mine = bpf_map_lookup_elem(&per_cpu_packets, &key);

	if (!mine)
		return XDP_PASS;
	*mine += 1;
	bpf_loop(MAX_CPUS, add_cpu, &c, 0);
	bpf_map_update_elem(&total, &key, &c.sum, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
