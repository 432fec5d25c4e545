// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_probe_read_user_str: copy a string from user memory, here the calling program's argv[0].
//
// mm->arg_start is where the argument strings begin in the process's memory, so the first
// string there is argv[0]. The helper copies up to the buffer size, stops at the NUL, and
// returns the length including the NUL; a string longer than the buffer is cut and still
// terminated. Typical use is reading a path or name argument at a syscall tracepoint.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map arg0_len[0] > 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_ARG 128

struct mm_struct {
	unsigned long arg_start;
} __attribute__((preserve_access_index));

struct task_struct {
	struct mm_struct *mm;
} __attribute__((preserve_access_index));

struct arg {
	char text[MAX_ARG];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct arg);
	__uint(max_entries, 1);
} arg0 SEC(".maps");

/* Slot 0: the helper's return value for the last copy. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __s64);
	__uint(max_entries, 1);
} arg0_len SEC(".maps");

SEC("syscall")
int read_argv0(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mm_struct *mm = task->mm;
	__u32 zero = 0;
	struct arg *a = bpf_map_lookup_elem(&arg0, &zero);
	__s64 *len = bpf_map_lookup_elem(&arg0_len, &zero);

	if (!a || !len || !mm)
		return 0;
	*len = bpf_probe_read_user_str(a->text, sizeof(a->text), (void *)mm->arg_start);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
