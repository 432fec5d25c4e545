// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_per_cpu_ptr: read a kernel per-CPU variable on every CPU and add the copies up.
//
// The kernel counts processes per CPU in `process_counts` (incremented on the CPU that
// forks, decremented where a process is reaped), so only the sum over all CPUs is
// meaningful. The variable is declared as a typed __ksym, which libbpf resolves through
// the kernel's BTF. bpf_per_cpu_ptr returns NULL for a CPU number that does not exist,
// and the verifier insists on that check before the load.
//
// bpfspec: check-only typed __ksym variables need CONFIG_KALLSYMS_ALL, which this host kernel lacks (the verifier finds no address for the symbol)
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_CPUS 256

extern const unsigned long process_counts __ksym;

/* Slot 0: the number of processes, summed over CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __s64);
	__uint(max_entries, 1);
} total SEC(".maps");

SEC("syscall")
int count_processes(void *ctx)
{
	__u32 zero = 0;
	__s64 sum = 0, *out;

	for (__u32 cpu = 0; cpu < MAX_CPUS; cpu++) {
		const unsigned long *n = bpf_per_cpu_ptr(&process_counts, cpu);

		if (!n)
			break; /* past the last possible CPU */
		sum += (long)*n;
	}
	out = bpf_map_lookup_elem(&total, &zero);
	if (out)
		*out = sum;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
