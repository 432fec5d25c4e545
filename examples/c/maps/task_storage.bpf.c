// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_TASK_STORAGE: remember something per task without a pid-keyed hash.
//
// The value is attached to the task itself: bpf_task_storage_get() with
// BPF_LOCAL_STORAGE_GET_F_CREATE returns it, creating a zeroed one on first use, and the
// kernel frees it when the task exits, so pid reuse can never hand a stale value to a new
// process. The task must be a BTF task pointer, e.g. from bpf_get_current_task_btf(). User
// space reads a task's value with a pidfd as the key. This syscall program counts how often
// the calling task ran it and returns the count: 1 on a first run.
//
// bpfspec: run retval=1
// bpfspec: run-input none
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__type(key, int); /* a pidfd, from user space */
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} runs SEC(".maps");

SEC("syscall")
int count_runs(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 *n = bpf_task_storage_get(&runs, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!n)
		return -1;
	*n += 1;
	return *n;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
