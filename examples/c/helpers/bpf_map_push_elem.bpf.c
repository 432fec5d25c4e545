// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_map_push_elem: feed values into a FIFO queue map and watch what BPF_EXIST does when it is full.
//
// The queue holds three entries. Four pushes without flags: the fourth fails
// (-E2BIG). A fifth push with BPF_EXIST succeeds by evicting the oldest value.
// User space (or another program) then drains the queue with pop/lookup.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map result[0] == 3
// bpfspec: expect-map result[1] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__type(value, __u64); /* queue and stack maps have no key */
	__uint(max_entries, 3);
} jobs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} result SEC(".maps");

SEC("syscall")
int push_jobs(void *ctx)
{
	__u64 accepted = 0, evicted = 0;
	__u32 k0 = 0, k1 = 1;

	for (__u64 job = 1; job <= 4; job++) {
		if (bpf_map_push_elem(&jobs, &job, 0) == 0)
			accepted++;
	}
	/* with BPF_EXIST a full queue drops its oldest element to make room */
	__u64 urgent = 100;
	if (bpf_map_push_elem(&jobs, &urgent, BPF_EXIST) == 0)
		evicted = 1;

	bpf_map_update_elem(&result, &k0, &accepted, BPF_ANY);
	bpf_map_update_elem(&result, &k1, &evicted, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
