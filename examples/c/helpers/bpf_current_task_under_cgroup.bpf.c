// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_current_task_under_cgroup: count system calls made by processes inside one cgroup v2 subtree.
//
// User space opens a cgroup directory and stores its fd at index 0 of the
// cgroup array. The helper answers 1 when the running task is in that cgroup
// or below it, 0 when it is not, and a negative error (-EAGAIN) while the slot
// is empty, which is what a test run sees. Errors are counted apart so they
// are not taken for "outside".
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map in_cgroup[2] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} watched SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32); /* 0: outside, 1: inside, 2: not configured */
	__type(value, __u64);
} in_cgroup SEC(".maps");

SEC("raw_tp/sys_enter")
int syscalls_in_cgroup(void *ctx)
{
	long under = bpf_current_task_under_cgroup(&watched, 0);
	__u32 key = under < 0 ? 2 : under ? 1 : 0;
	__u64 *n = bpf_map_lookup_elem(&in_cgroup, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
