// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_STACK_TRACE: record kernel stacks and count how often each one is seen.
//
// bpf_get_stackid() walks the current stack, stores it in the stack map and returns a small
// id; identical stacks share an id, so a hash keyed by id counts them, which is the core of a
// sampling profiler. User space looks up an id in the stack map to get the array of
// instruction addresses and symbolises them with /proc/kallsyms. Here the program runs from a
// raw tracepoint; a test run gives it the test-run call chain as its stack.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map stacks_seen[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_DEPTH 32

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_DEPTH * sizeof(__u64));
	__uint(max_entries, 1024);
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);   /* stack id */
	__type(value, __u64); /* times seen */
	__uint(max_entries, 1024);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} stacks_seen SEC(".maps");

SEC("raw_tp/sched_switch")
int sample_stack(void *ctx)
{
	long id = bpf_get_stackid(ctx, &stacks, 0);
	if (id < 0)
		return 0; /* EFAULT: no stack; EEXIST: a hash collision with BPF_F_REUSE_STACKID unset */

	__u32 key = id;
	__u64 one = 1, *n = bpf_map_lookup_elem(&counts, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);

	__u32 zero = 0;
	__u64 *seen = bpf_map_lookup_elem(&stacks_seen, &zero);
	if (seen)
		__sync_fetch_and_add(seen, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
