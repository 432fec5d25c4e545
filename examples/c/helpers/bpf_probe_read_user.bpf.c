// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_probe_read_user: read a value from the calling process's memory, here its argc.
//
// At exec time the kernel lays out argc, then the argv and envp pointers, at the start of
// the new stack, and remembers that address in mm->start_stack. The program reads the
// eight bytes there from user memory. The read does not sleep, so it fails (with -EFAULT)
// when the page is not resident; sleepable programs can use bpf_copy_from_user instead.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map argc[0] >= 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct mm_struct {
	unsigned long start_stack;
} __attribute__((preserve_access_index));

struct task_struct {
	struct mm_struct *mm;
} __attribute__((preserve_access_index));

/* Slot 0: argc of the calling process. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} argc SEC(".maps");

SEC("syscall")
int read_argc(void *ctx)
{
	/* A typed task pointer: its fields can be loaded directly (a bad load reads 0). */
	struct task_struct *task = bpf_get_current_task_btf();
	struct mm_struct *mm = task->mm;
	__u32 zero = 0;
	__u64 n = 0, *out;

	if (!mm)
		return 0; /* kernel threads have no user memory */
	if (bpf_probe_read_user(&n, sizeof(n), (void *)mm->start_stack))
		return 0;
	out = bpf_map_lookup_elem(&argc, &zero);
	if (out)
		*out = n;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
