// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_current_comm: record the command name of the last process to enter a system call.
//
// The helper copies the current task's name (at most 15 characters and a NUL)
// into a buffer whose size is a verifier-known constant; a buffer shorter than
// the name gets a truncated, still NUL-terminated copy. It is cheaper and
// simpler than reading task->comm with `bpf_probe_read_kernel_str`. Slot 0
// receives the first 8 bytes as an integer, so it is not 0 after a test run.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map comm_head[0] != 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TASK_COMM_LEN 16

struct comm {
	char name[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct comm);
} last_comm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} comm_head SEC(".maps");

SEC("raw_tp/sys_enter")
int who_calls(void *ctx)
{
	__u32 zero = 0;
	struct comm *c = bpf_map_lookup_elem(&last_comm, &zero);
	__u64 *head = bpf_map_lookup_elem(&comm_head, &zero);
	if (!c || !head)
		return 0;

	/* Write straight into the map value; no stack copy is needed. */
	if (bpf_get_current_comm(c->name, sizeof(c->name)))
		return 0;
	__builtin_memcpy(head, c->name, sizeof(*head));
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
