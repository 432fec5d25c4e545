// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_current_pid_tgid: count system calls per process from the sys_enter raw tracepoint.
//
// The result packs two ids: the upper 32 bits are the thread group id (what
// user space calls the PID), the lower 32 bits the thread id (the TID). Both
// are as seen from the initial PID namespace; inside a container use
// `bpf_get_ns_current_pid_tgid`. Slot 0 of `last` holds the latest caller's
// PID, so a test run records the PID of the process that ran it.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map last[0] > 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32); /* PID (tgid) */
	__type(value, __u64);
} syscalls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} last SEC(".maps");

SEC("raw_tp/sys_enter")
int count_syscalls(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32;
	__u32 zero = 0;

	__u64 *slot = bpf_map_lookup_elem(&last, &zero);
	if (slot)
		*slot = pid;

	__u64 *n = bpf_map_lookup_elem(&syscalls, &pid);
	if (n) {
		__sync_fetch_and_add(n, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&syscalls, &pid, &one, BPF_NOEXIST);
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
