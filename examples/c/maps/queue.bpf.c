// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_QUEUE: a sliding-window rate limit kept as a FIFO of packet timestamps.
//
// The queue holds the arrival times of the last LIMIT packets that were let through. A
// push fails while the queue is full; then bpf_map_peek_elem() shows the oldest time
// without taking it: if that is less than a second ago, LIMIT packets already passed within
// the window and this one is dropped, otherwise a push with BPF_EXIST replaces the oldest.
// (Two CPUs can interleave between peek and push, so the limit is approximate.) User space
// can take samples out in order with BPF_MAP_LOOKUP_AND_DELETE_ELEM and a NULL key, which is
// what bpf_map_pop_elem() does in a program.
//
// bpfspec: run retval=2
// bpfspec: expect-map verdicts[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define LIMIT 100
#define WINDOW_NS 1000000000ULL

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__type(value, __u64); /* arrival time, ns */
	__uint(max_entries, LIMIT);
} recent SEC(".maps");

/* Slot 0: passed, slot 1: dropped. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} verdicts SEC(".maps");

static int verdict(__u32 slot, int action)
{
	__u64 *n = bpf_map_lookup_elem(&verdicts, &slot);

	if (n)
		__sync_fetch_and_add(n, 1);
	return action;
}

SEC("xdp")
int rate_limit(struct xdp_md *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 oldest;

	/* Room left: fewer than LIMIT packets are on record. */
	if (bpf_map_push_elem(&recent, &now, 0) == 0)
		return verdict(0, XDP_PASS);
	if (bpf_map_peek_elem(&recent, &oldest) == 0 && now - oldest < WINDOW_NS)
		return verdict(1, XDP_DROP);
	/* The oldest arrival left the window: BPF_EXIST pushes out the oldest to make room. */
	bpf_map_push_elem(&recent, &now, BPF_EXIST);
	return verdict(0, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
