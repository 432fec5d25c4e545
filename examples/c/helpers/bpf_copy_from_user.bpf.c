// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_copy_from_user: read user memory from a sleepable program, faulting pages in if needed.
//
// SEC("syscall") programs are always sleepable, so unlike bpf_probe_read_user this copy
// waits for a page that is swapped out instead of failing. The program copies the first two
// words of the caller's initial stack (argc and the argv[0] pointer) and checks the pointer
// against mm->arg_start, where the kernel put the argument strings. In non-sleepable program
// types the verifier rejects this helper.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map result[0] == 0
// bpfspec: expect-map result[1] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct mm_struct {
	unsigned long start_stack;
	unsigned long arg_start;
} __attribute__((preserve_access_index));

struct task_struct {
	struct mm_struct *mm;
} __attribute__((preserve_access_index));

/* 0: what the copy returned (0 or -errno), 1: 1 if argv[0] points at mm->arg_start. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __s64);
	__uint(max_entries, 2);
} result SEC(".maps");

SEC("syscall")
int check_argv(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mm_struct *mm = task->mm;
	__u64 words[2] = {}; /* argc, argv[0] */
	__u32 k0 = 0, k1 = 1;
	__s64 *ret = bpf_map_lookup_elem(&result, &k0);
	__s64 *match = bpf_map_lookup_elem(&result, &k1);

	if (!ret || !match || !mm)
		return 0;
	*ret = bpf_copy_from_user(words, sizeof(words), (void *)mm->start_stack);
	*match = *ret == 0 && words[1] == mm->arg_start;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
