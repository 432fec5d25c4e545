// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_probe_read: read the current task's parent PID from kernel memory (the legacy way).
//
// The helper copies from an unchecked address and returns a negative error
// instead of faulting. It cannot tell kernel from user addresses, so it only
// exists on architectures where the two do not overlap; new programs should
// use `bpf_probe_read_kernel` or `bpf_probe_read_user`. The task_struct below
// is a local subset marked preserve_access_index, so libbpf relocates the
// field offsets to the running kernel's layout (CO-RE) without vmlinux.h.
// Slot 0 receives the parent's PID.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map parent_pid[0] > 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct task_struct {
	struct task_struct *real_parent;
	int tgid;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} parent_pid SEC(".maps");

SEC("raw_tp/sys_enter")
int read_ppid(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct task_struct *parent = 0;
	int ppid = 0;

	/* Two reads: a pointer to follow, then the field behind it. */
	if (bpf_probe_read(&parent, sizeof(parent), &task->real_parent) || !parent)
		return 0;
	if (bpf_probe_read(&ppid, sizeof(ppid), &parent->tgid))
		return 0;

	__u32 zero = 0;
	__u64 *slot = bpf_map_lookup_elem(&parent_pid, &zero);
	if (slot)
		*slot = ppid;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
