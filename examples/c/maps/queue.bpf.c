// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_QUEUE: a FIFO of packet lengths that user space drains.
//
// A queue has no keys: programs append with bpf_map_push_elem(), take the oldest value with
// bpf_map_pop_elem() and look at it without removing it with bpf_map_peek_elem(). User
// space pops with BPF_MAP_LOOKUP_AND_DELETE_ELEM and a NULL key. With BPF_EXIST a push on a
// full queue drops the oldest value instead of failing, which keeps the most recent ones.
//
// bpfspec: run retval=2
// bpfspec: expect-map pushed[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__type(value, __u32); /* packet length */
	__uint(max_entries, 1024);
} lengths SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} pushed SEC(".maps");

SEC("xdp")
int sample_lengths(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	__u32 oldest;

	/* BPF_EXIST: when full, overwrite the oldest sample rather than lose the newest. */
	if (bpf_map_push_elem(&lengths, &len, BPF_EXIST) != 0)
		return XDP_PASS;
	/* The value we just pushed is at the head only if the queue was empty. */
	if (bpf_map_peek_elem(&lengths, &oldest) == 0 && oldest == len) {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(&pushed, &zero);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
