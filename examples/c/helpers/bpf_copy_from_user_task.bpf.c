// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_copy_from_user_task: read another process's memory, here the argv of the caller.
//
// Unlike bpf_copy_from_user, which reads the current task, this helper takes the task
// whose address space to read, so an iterator or a sleepable hook can inspect any
// process. It may fault pages in and therefore sleeps: only sleepable programs may call
// it, and SEC("syscall") programs are loaded sleepable by libbpf. The program reads the
// start of argv from the task's mm; a process always has a non-empty argv[0].
//
// bpfspec: run-input none
// bpfspec: run retval=0
// bpfspec: expect-map argv0_first_char[0] != 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Only the fields used here; CO-RE finds them in the running kernel's layout. */
struct mm_struct {
	unsigned long arg_start;
} __attribute__((preserve_access_index));

struct task_struct {
	struct mm_struct *mm;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} argv0_first_char SEC(".maps");

SEC("syscall")
int read_argv0(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mm_struct *mm = task->mm;
	char argv0[16] = {};
	__u32 key = 0;
	__u64 first;

	if (!mm)
		return 1; /* kernel thread: no user memory */
	if (bpf_copy_from_user_task(argv0, sizeof(argv0), (void *)mm->arg_start, task, 0))
		return 1;
	first = (unsigned char)argv0[0];
	bpf_map_update_elem(&argv0_first_char, &key, &first, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
