// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_task_stack: capture the kernel stack of a task into a buffer of instruction addresses.
//
// Unlike bpf_get_stackid, which stores stacks in a BPF_MAP_TYPE_STACK_TRACE map, this helper
// fills memory the program owns, and it takes any task, not just the current one. Here the
// program saves the current task's kernel stack into an array slot; user space would
// symbolize the addresses with /proc/kallsyms. The return value is the number of bytes written.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map stack_bytes[0] > 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_DEPTH 32

struct stack {
	__u64 ips[MAX_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct stack);
	__uint(max_entries, 1);
} stacks SEC(".maps");

/* Bytes of stack the last call wrote (a multiple of 8), or the negative error. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __s64);
	__uint(max_entries, 1);
} stack_bytes SEC(".maps");

SEC("syscall")
int save_stack(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 zero = 0;
	struct stack *buf = bpf_map_lookup_elem(&stacks, &zero);
	__s64 *len = bpf_map_lookup_elem(&stack_bytes, &zero);

	if (!buf || !len)
		return 0;
	/* The size must be a constant the verifier can bound; 0 in flags asks for the kernel stack. */
	*len = bpf_get_task_stack(task, buf->ips, sizeof(buf->ips), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
