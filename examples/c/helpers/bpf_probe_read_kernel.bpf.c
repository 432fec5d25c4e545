// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_probe_read_kernel: follow a raw kernel pointer safely, here from the caller to its parent.
//
// bpf_get_current_task returns the task as a plain number that the verifier does not let
// the program dereference; every field must be fetched with bpf_probe_read_kernel, which
// returns an error instead of crashing if the address is bad. The field offsets come from
// CO-RE relocations against the running kernel's BTF (see the local struct below), so the
// object runs unchanged on kernels with a different task_struct layout.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map parent[0] > 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Only the fields we read; preserve_access_index makes each access a CO-RE relocation. */
struct task_struct {
	int tgid;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

/* Slot 0: the process ID of the caller's parent. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} parent SEC(".maps");

SEC("syscall")
int parent_pid(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *up = NULL;
	__u32 zero = 0;
	__u64 *out;
	int ppid = 0;

	/* Two reads: the parent pointer, then the parent's tgid. Either may fail. */
	if (bpf_probe_read_kernel(&up, sizeof(up), &task->real_parent) || !up)
		return 0;
	if (bpf_probe_read_kernel(&ppid, sizeof(ppid), &up->tgid))
		return 0;

	out = bpf_map_lookup_elem(&parent, &zero);
	if (out)
		*out = ppid;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
