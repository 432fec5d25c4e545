// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_stackid: collect the kernel stacks that lead to a system call, for a flame graph.
//
// The helper walks the stack, stores it in a stack trace map and returns its
// id; equal stacks share one id, so counting per id gives a profile. Flags
// choose the user stack (BPF_F_USER_STACK), how many frames to skip (low 8
// bits) and whether a new stack may replace a different one with the same
// hash (BPF_F_REUSE_STACKID). It fails with -EEXIST on such a collision
// without that flag, and -ENOMEM when no free entry is left. Slot 0 of
// `captured` counts stacks stored.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map captured[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_DEPTH 32

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 1024);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* stack id */
	__type(value, __u64);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} captured SEC(".maps");

SEC("raw_tp/sys_enter")
int profile_syscalls(void *ctx)
{
	long id = bpf_get_stackid(ctx, &stacks, 0);
	if (id < 0)
		return 0;

	__u32 key = id, zero = 0;
	__u64 *n = bpf_map_lookup_elem(&hits, &key);
	if (n) {
		__sync_fetch_and_add(n, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&hits, &key, &one, BPF_NOEXIST);
	}
	n = bpf_map_lookup_elem(&captured, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
