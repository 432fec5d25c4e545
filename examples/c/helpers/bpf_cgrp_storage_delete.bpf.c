// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_cgrp_storage_delete: drop a cgroup's storage entry before the cgroup goes away.
//
// Entries are freed with their cgroup anyway; deleting is for resetting state early,
// e.g. when a policy for that cgroup is switched off. The helper returns 0 if an entry
// existed and -ENOENT otherwise. The program creates the caller's entry, deletes it,
// and tries once more; the test expects the first delete to succeed and the second to
// find nothing.
//
// bpfspec: run-input none
// bpfspec: run retval=0
// bpfspec: expect-map delete_result[0] == 1
// bpfspec: expect-map delete_result[1] == 1
#include <linux/bpf.h>
#include <linux/errno.h>
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

struct policy {
	__u64 limit;
};

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct policy);
} policies SEC(".maps");

/* delete_result[0] = 1 if the first delete returned 0, [1] = 1 if the second gave -ENOENT. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} delete_result SEC(".maps");

SEC("raw_tp/sys_enter")
int reset_policy(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct cgroup *cgrp = task->cgroups->dfl_cgrp;
	struct policy *p;
	__u32 key;
	__u64 val;

	p = bpf_cgrp_storage_get(&policies, cgrp, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!p)
		return 0;
	p->limit = 100;

	key = 0;
	val = bpf_cgrp_storage_delete(&policies, cgrp) == 0;
	bpf_map_update_elem(&delete_result, &key, &val, BPF_ANY);
	key = 1;
	val = bpf_cgrp_storage_delete(&policies, cgrp) == -ENOENT;
	bpf_map_update_elem(&delete_result, &key, &val, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
