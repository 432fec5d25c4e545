// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_retval: see what a cgroup hook will return to the system call so far.
//
// In cgroup hooks (getsockopt/setsockopt, sock create/bind, sysctl, device) each program
// of the chain can read the error the syscall is about to return: the kernel's own
// result in getsockopt, or the value an earlier program set with bpf_set_retval. 0
// means success. This getsockopt program counts, per socket option level, the calls
// that are failing, without changing the outcome. CGROUP_SOCKOPT has no test-run
// support here, so the example is only loaded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Failed getsockopt calls, by level (SOL_SOCKET = 1, IPPROTO_TCP = 6, ...). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 64);
} failures_by_level SEC(".maps");

SEC("cgroup/getsockopt")
int count_failures(struct bpf_sockopt *ctx)
{
	__u32 level = ctx->level;
	__u64 one = 1, *cnt;

	if (bpf_get_retval() == 0)
		return 1;
	cnt = bpf_map_lookup_elem(&failures_by_level, &level);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&failures_by_level, &level, &one, BPF_NOEXIST);
	return 1; /* 1: leave the result (and the option buffer) as the kernel made it */
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
