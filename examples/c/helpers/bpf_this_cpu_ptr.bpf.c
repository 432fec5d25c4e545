// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_this_cpu_ptr: read this CPU's copy of a kernel per-CPU variable, here its run queue.
//
// `runqueues` holds one scheduler run queue per CPU. Declared as a typed __ksym with a local
// struct that names only the field we need, it is resolved through the kernel's BTF and the
// field offset is relocated with CO-RE. Unlike bpf_per_cpu_ptr the result is never NULL,
// because the current CPU always exists. The CPU running the program has at least the
// calling task runnable, so nr_running is at least 1 during the test run.
//
// bpfspec: check-only typed __ksym variables need CONFIG_KALLSYMS_ALL, which this host kernel lacks (the verifier finds no address for the symbol)
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct rq {
	unsigned int nr_running;
} __attribute__((preserve_access_index));

extern const struct rq runqueues __ksym;

/* Slot 0: tasks runnable on the CPU that ran the program. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} runnable SEC(".maps");

SEC("syscall")
int local_load(void *ctx)
{
	const struct rq *rq = bpf_this_cpu_ptr(&runqueues);
	__u32 zero = 0;
	__u64 *out = bpf_map_lookup_elem(&runnable, &zero);

	if (out)
		*out = rq->nr_running;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
