// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_current_ancestor_cgroup_id: attribute work to a container by its cgroup at a fixed depth.
//
// Containers usually sit at a known depth of the cgroup v2 tree (for example
// /system.slice/docker-<id>.scope is level 2), while their processes may live deeper. Asking
// for the ancestor at that level groups every nested cgroup under its container. Level 0 is
// the root cgroup, whose ID is always 1; a level deeper than the task's own cgroup gives 0.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map by_level[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_LEVELS 4 /* levels 0..3 are recorded */

/* Key: ancestor level; value: the cgroup ID the current task has at that level (0: none). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, MAX_LEVELS);
} by_level SEC(".maps");

static void record(__u32 level)
{
	__u64 *slot = bpf_map_lookup_elem(&by_level, &level);

	if (slot)
		*slot = bpf_get_current_ancestor_cgroup_id(level);
}

SEC("syscall")
int record_ancestors(void *ctx)
{
	/* One call per level keeps the level a constant for each helper call. */
	record(0);
	record(1);
	record(2);
	record(3);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
