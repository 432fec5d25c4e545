// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_current_task_btf: read fields of the current task directly, without bpf_probe_read_kernel.
//
// The helper returns a typed pointer the verifier trusts, so `task->pid` is a plain load
// (relocated with CO-RE against the running kernel's BTF) and the pointer can be handed to
// helpers that take a task, such as bpf_task_storage_get. The program checks that the
// thread ID read from the task matches the one bpf_get_current_pid_tgid reports.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map result[0] == 1
// bpfspec: expect-map result[1] > 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Our own minimal view of the kernel's task_struct; CO-RE finds the real offsets. */
struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

/* 0: 1 when both ways of reading the thread ID agree, 1: the thread-group ID. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} result SEC(".maps");

SEC("syscall")
int compare_pids(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 k0 = 0, k1 = 1;
	__u64 *same = bpf_map_lookup_elem(&result, &k0);
	__u64 *tgid = bpf_map_lookup_elem(&result, &k1);

	if (!same || !tgid)
		return 0;
	*same = task->pid == tid;
	*tgid = task->tgid;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
