// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_perf_event_read: sample this CPU's hardware cycle counter at every context switch.
//
// User space opens one counter per CPU with perf_event_open() and stores each
// fd in the perf event array at the CPU's index; BPF_F_CURRENT_CPU picks this
// CPU's. The return value is the count, or a negative error squeezed into the
// same u64 (a count is never that large), so test for errors with a signed
// compare. `bpf_perf_event_read_value` is the better choice today: it returns
// the error apart and also gives enabled/running times for scaling. With an
// empty array, as in a test run, the read fails and slot 1 counts it.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map samples[1] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(max_entries, 512); /* at least the number of possible CPUs */
	__type(key, __u32);
	__type(value, __u32);
} cycles SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32); /* 0: last count read, 1: failed reads */
	__type(value, __u64);
} samples SEC(".maps");

SEC("raw_tp/sched_switch")
int read_cycles(void *ctx)
{
	__u64 count = bpf_perf_event_read(&cycles, BPF_F_CURRENT_CPU);
	/* Errors are small negative numbers; -4095..-1 as a u64. */
	__u32 key = (__s64)count < 0 && (__s64)count >= -4095 ? 1 : 0;
	__u64 *slot = bpf_map_lookup_elem(&samples, &key);
	if (!slot)
		return 0;
	if (key == 1)
		__sync_fetch_and_add(slot, 1);
	else
		*slot = count;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
