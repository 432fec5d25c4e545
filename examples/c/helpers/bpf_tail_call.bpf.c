// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_tail_call: dispatch IPv4 and IPv6 frames to separate XDP programs through a program array.
//
// A tail call jumps into another program of the same type and never returns:
// on success the callee's return value is the result. It fails and falls
// through to the next instruction when the slot is empty or when 33 calls have
// been chained already, so always write a fallback after it. Here libbpf fills
// the program array from its static initializer when the object loads; user
// space could swap handlers at run time. The IPv4 handler counts and passes.
//
// bpfspec: run-prog dispatch
// bpfspec: run retval=2
// bpfspec: expect-map handled[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

enum { SLOT_IPV4, SLOT_IPV6, NUM_SLOTS };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NUM_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} handled SEC(".maps");

static int count(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&handled, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

SEC("xdp")
int handle_ipv4(struct xdp_md *ctx)
{
	return count(SLOT_IPV4);
}

SEC("xdp")
int handle_ipv6(struct xdp_md *ctx)
{
	return count(SLOT_IPV6);
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, NUM_SLOTS);
	__uint(key_size, sizeof(__u32));
	__array(values, int(struct xdp_md *));
} handlers SEC(".maps") = {
	.values = {
		[SLOT_IPV4] = (void *)&handle_ipv4,
		[SLOT_IPV6] = (void *)&handle_ipv6,
	},
};

SEC("xdp")
int dispatch(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		bpf_tail_call(ctx, &handlers, SLOT_IPV4);
	else if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		bpf_tail_call(ctx, &handlers, SLOT_IPV6);
	/* Reached for other protocols and when a slot is empty. */
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
