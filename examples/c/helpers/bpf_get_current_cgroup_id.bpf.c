// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_current_cgroup_id: tag work with the cgroup v2 of the task that triggered it.
//
// The id is the inode number of the task's cgroup directory on cgroup2fs
// (what `stat -c %i /sys/fs/cgroup/...` prints), so user space can match it to a
// path. Here the syscall program records the id of whoever ran it; it is never 0.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map caller_cgroup[0] != 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} caller_cgroup SEC(".maps");

SEC("syscall")
int record_cgroup(void *ctx)
{
	__u32 key = 0;
	__u64 id = bpf_get_current_cgroup_id();

	bpf_map_update_elem(&caller_cgroup, &key, &id, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
