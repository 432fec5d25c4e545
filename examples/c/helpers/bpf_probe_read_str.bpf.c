// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_probe_read_str: copy the current task's name out of kernel memory as a C string.
//
// Like `bpf_probe_read`, but it stops after the first NUL and always
// terminates the copy; the return value is the length including the NUL, or a
// negative error. It shares the legacy helper's address-space ambiguity, so new
// code should use `bpf_probe_read_kernel_str` / `bpf_probe_read_user_str` (and
// `bpf_get_current_comm` for this very field). The field offset is relocated
// by CO-RE (local task_struct subset). Slot 0 of `lengths` gets the length.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map lengths[0] > 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TASK_COMM_LEN 16

struct task_struct {
	char comm[TASK_COMM_LEN];
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lengths SEC(".maps");

SEC("raw_tp/sys_enter")
int read_comm(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	char name[TASK_COMM_LEN];

	long len = bpf_probe_read_str(name, sizeof(name), &task->comm);
	if (len < 0)
		return 0;

	__u32 zero = 0;
	__u64 *slot = bpf_map_lookup_elem(&lengths, &zero);
	if (slot)
		*slot = len;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
