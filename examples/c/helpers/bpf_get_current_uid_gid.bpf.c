// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_current_uid_gid: count execve calls per user id.
//
// The result packs the current task's ids as seen from the initial user
// namespace: the real GID in the upper 32 bits and the real UID in the lower
// 32 bits (not the effective ids, so a setuid program still counts for the
// user who started it). A test run counts one call for the user running it.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map calls_total[0] == 1
#include <linux/bpf.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* UID */
	__type(value, __u64);
} per_uid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} calls_total SEC(".maps");

SEC("raw_tp/sched_process_exec")
int count_execs(void *ctx)
{
	__u32 uid = (__u32)bpf_get_current_uid_gid();
	__u32 zero = 0;

	__u64 *n = bpf_map_lookup_elem(&per_uid, &uid);
	if (n) {
		__sync_fetch_and_add(n, 1);
	} else {
		__u64 one = 1;
		/* -EEXIST: another CPU inserted it first, so add to its entry. */
		if (bpf_map_update_elem(&per_uid, &uid, &one, BPF_NOEXIST) == -EEXIST) {
			n = bpf_map_lookup_elem(&per_uid, &uid);
			if (n)
				__sync_fetch_and_add(n, 1);
		}
	}
	n = bpf_map_lookup_elem(&calls_total, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
