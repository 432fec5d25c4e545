// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_STACK: a LIFO, here a pool of free slot numbers handed out last-freed-first.
//
// Like BPF_MAP_TYPE_QUEUE, without keys, but bpf_map_pop_elem() and bpf_map_peek_elem() see
// the value pushed last. A pool of free indexes is a typical use: user space (or a program)
// pushes the free slots once, and whoever needs one pops it and pushes it back when done.
// This syscall program fills the pool with 1, 2, 3 and then takes one: it gets 3, the last
// one pushed, and returns it. User space pops with BPF_MAP_LOOKUP_AND_DELETE_ELEM.
//
// bpfspec: run retval=3
// bpfspec: run-input none
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__type(value, __u32); /* a free slot number */
	__uint(max_entries, 16);
} free_slots SEC(".maps");

static int give_back(__u32 slot)
{
	return bpf_map_push_elem(&free_slots, &slot, 0);
}

SEC("syscall")
int take_slot(void *ctx)
{
	if (give_back(1) || give_back(2) || give_back(3))
		return -1; /* full */

	__u32 taken;
	if (bpf_map_pop_elem(&free_slots, &taken) != 0)
		return -1; /* empty */
	return taken;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
