// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_task_storage_delete: drop a task's local storage once the state it held is no longer needed.
//
// The program marks the calling task in a BPF_MAP_TYPE_TASK_STORAGE map, then removes the
// mark again, as a tracer would when a traced operation ends before the task exits. It
// records what delete returned: 0 when a slot was removed, -ENOENT when there was none.
// A second delete right after shows the -ENOENT case.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map results[0] == 0
// bpfspec: expect-map results[1] == 2
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct task_struct;

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64); /* start time of the pending operation */
} pending SEC(".maps");

/* 0: result of the first delete, 1: minus the result of the second (ENOENT = 2). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __s64);
	__uint(max_entries, 2);
} results SEC(".maps");

SEC("syscall")
int start_and_finish(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 k0 = 0, k1 = 1;
	__s64 *first = bpf_map_lookup_elem(&results, &k0);
	__s64 *second = bpf_map_lookup_elem(&results, &k1);
	__u64 *start;

	if (!first || !second)
		return 0;
	start = bpf_task_storage_get(&pending, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!start)
		return 0;
	*start = bpf_ktime_get_ns();

	/* Operation over: forget it. */
	*first = bpf_task_storage_delete(&pending, task);
	*second = -bpf_task_storage_delete(&pending, task);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
