// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_cgrp_storage_get: keep a per-cgroup counter that lives and dies with the cgroup.
//
// BPF_MAP_TYPE_CGRP_STORAGE has no keys of its own: the cgroup is the key, and the
// storage is freed when the cgroup is. With BPF_LOCAL_STORAGE_GET_F_CREATE the first
// lookup creates the entry (zeroed, or copied from value), which may fail and return
// NULL. The cgroup pointer must be a trusted BTF pointer; a raw tracepoint gets one
// from the current task. The test run executes in the caller's cgroup, so its counter
// is created and becomes 1.
//
// bpfspec: run-input none
// bpfspec: run retval=0
// bpfspec: expect-map calls_seen[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Map type 32 arrived in Linux 6.2; the 6.1 uapi headers used here lack the name. */
#ifndef BPF_MAP_TYPE_CGRP_STORAGE
#define BPF_MAP_TYPE_CGRP_STORAGE 32
#endif

struct cgroup;

struct css_set {
	struct cgroup *dfl_cgrp;
} __attribute__((preserve_access_index));

struct task_struct {
	struct css_set *cgroups;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} syscalls_per_cgroup SEC(".maps");

/* What the counter of the caller's cgroup read after this call. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} calls_seen SEC(".maps");

SEC("raw_tp/sys_enter")
int count_per_cgroup(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 key = 0;
	__u64 *cnt;

	cnt = bpf_cgrp_storage_get(&syscalls_per_cgroup, task->cgroups->dfl_cgrp, 0,
				   BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!cnt)
		return 0;
	__sync_fetch_and_add(cnt, 1);
	bpf_map_update_elem(&calls_seen, &key, cnt, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
