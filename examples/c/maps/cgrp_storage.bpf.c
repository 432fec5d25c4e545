// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_CGRP_STORAGE: a value per cgroup v2, found through the cgroup itself.
//
// bpf_cgrp_storage_get() with BPF_LOCAL_STORAGE_GET_F_CREATE returns the cgroup's value,
// creating a zeroed one on first use; the kernel frees it with the cgroup. Unlike
// BPF_MAP_TYPE_CGROUP_STORAGE it needs no attachment and works in any program that holds a
// trusted struct cgroup pointer, here one taken with the bpf_cgroup_from_id() kfunc and
// dropped with bpf_cgroup_release(). User space reads a value with a cgroup directory fd as
// the key. This syscall program counts runs per cgroup of the caller: 1 on a first run.
//
// bpfspec: run retval=1
// bpfspec: run-input none
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpfspec_uapi.h"

/* Defined, though empty: libbpf compares the kfuncs' prototypes with the kernel's, and a
 * pointer to a merely declared struct does not match a pointer to the kernel's struct. */
struct cgroup {};

extern struct cgroup *bpf_cgroup_from_id(__u64 cgid) __ksym;
extern void bpf_cgroup_release(struct cgroup *cgrp) __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__type(key, int); /* a cgroup directory fd, from user space */
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} runs_in_cgroup SEC(".maps");

SEC("syscall")
int count_runs(void *ctx)
{
	struct cgroup *cgrp = bpf_cgroup_from_id(bpf_get_current_cgroup_id());
	long runs = -1;

	if (!cgrp)
		return -1;
	__u64 *n = bpf_cgrp_storage_get(&runs_in_cgroup, cgrp, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (n)
		runs = __sync_add_and_fetch(n, 1);
	/* The reference from bpf_cgroup_from_id() must be dropped on every path. */
	bpf_cgroup_release(cgrp);
	return runs;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
