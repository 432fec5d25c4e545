// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_stack: copy the kernel call chain of the current task into a buffer.
//
// Unlike bpf_get_stackid, the program gets the raw return addresses (here into
// a per-CPU scratch value, since 127 frames do not fit on the 512-byte stack)
// and decides itself what to keep. The return value is the number of bytes
// written; the program stores the frame count. A test run has a short but
// non-empty kernel stack.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map frames[0] > 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_FRAMES 64

struct stack {
	__u64 ips[MAX_FRAMES];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct stack);
	__uint(max_entries, 1);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} frames SEC(".maps");

SEC("raw_tp")
int kernel_stack(void *ctx)
{
	__u32 key = 0;
	struct stack *st = bpf_map_lookup_elem(&scratch, &key);
	if (!st)
		return 0;

	/* flags 0: kernel stack, no frames skipped; size must be a known constant */
	long bytes = bpf_get_stack(ctx, st->ips, sizeof(st->ips), 0);
	if (bytes <= 0)
		return 0;

	__u64 n = bytes / sizeof(__u64);
	bpf_map_update_elem(&frames, &key, &n, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
