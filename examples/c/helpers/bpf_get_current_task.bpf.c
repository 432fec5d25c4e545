// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_current_task: read the current thread's id and the PID of its thread group leader.
//
// The helper returns the address of the running task's task_struct as a plain
// integer; the verifier does not know what it points to, so fields are read
// with `bpf_probe_read_kernel` (here through libbpf's BPF_CORE_READ, which also
// relocates the offsets to the running kernel). In tracing programs that know
// BTF, `bpf_get_current_task_btf` gives a typed pointer that can be read
// directly. Slot 0 gets the leader's PID, slot 1 the thread's own id.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map leader_pid[0] > 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	struct task_struct *group_leader;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32); /* 0: leader's PID, 1: this thread's id */
	__type(value, __u64);
} leader_pid SEC(".maps");

SEC("raw_tp/sys_enter")
int task_ids(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 key = 0;
	__u64 *slot;

	slot = bpf_map_lookup_elem(&leader_pid, &key);
	if (slot)
		*slot = BPF_CORE_READ(task, group_leader, pid);
	key = 1;
	slot = bpf_map_lookup_elem(&leader_pid, &key);
	if (slot)
		*slot = BPF_CORE_READ(task, pid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
