// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_map_peek_elem: look at the head of a queue map without consuming it.
//
// Peeking twice returns the same (oldest) element; only a pop moves on.
// Here the queue holds 7 then 9: two peeks both see 7, the pop takes 7 and a
// third peek sees 9.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map seen[0] == 7
// bpfspec: expect-map seen[1] == 9
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__type(value, __u64);
	__uint(max_entries, 4);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} seen SEC(".maps");

SEC("syscall")
int peek_head(void *ctx)
{
	__u64 a = 7, b = 9, head = 0, again = 0, popped = 0;
	__u32 k0 = 0, k1 = 1;

	bpf_map_push_elem(&pending, &a, 0);
	bpf_map_push_elem(&pending, &b, 0);

	if (bpf_map_peek_elem(&pending, &head) || bpf_map_peek_elem(&pending, &again))
		return 1;
	if (head != again)
		return 2;
	bpf_map_update_elem(&seen, &k0, &head, BPF_ANY);

	bpf_map_pop_elem(&pending, &popped);
	if (bpf_map_peek_elem(&pending, &head))
		return 3;
	bpf_map_update_elem(&seen, &k1, &head, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
