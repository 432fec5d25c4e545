// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_map_pop_elem: use a stack map as a LIFO of free slot numbers.
//
// The program pushes slots 10, 20, 30 and takes two back: a stack returns the
// most recent first, so it gets 30, then 20. The pop removes the element; an
// empty map answers -ENOENT, which the program must handle.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map taken[0] == 30
// bpfspec: expect-map taken[1] == 20
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__type(value, __u64);
	__uint(max_entries, 8);
} free_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} taken SEC(".maps");

SEC("syscall")
int take_slots(void *ctx)
{
	for (__u64 slot = 10; slot <= 30; slot += 10)
		bpf_map_push_elem(&free_slots, &slot, 0);

	for (__u32 i = 0; i < 2; i++) {
		__u64 slot = 0;
		__u32 key = i;
		/* the value is copied out into slot; nothing to NULL-check, but the return code matters */
		if (bpf_map_pop_elem(&free_slots, &slot))
			return 1;
		bpf_map_update_elem(&taken, &key, &slot, BPF_ANY);
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
