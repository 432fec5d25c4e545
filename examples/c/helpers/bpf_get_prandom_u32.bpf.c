// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_prandom_u32: sample about one packet in a hundred, and drop a configurable share.
//
// The numbers come from a fast per-CPU generator, good for sampling and load
// shedding but not for anything secret. `drop_per_mille` is read-only data that
// user space may set before loading; it is 0 here, so nothing is dropped.
//
// bpfspec: run retval=2
// bpfspec: expect-map stats[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 drop_per_mille = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32); /* 0: seen, 1: sampled, 2: dropped */
	__type(value, __u64);
} stats SEC(".maps");

static void bump(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&stats, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("xdp")
int sample(struct xdp_md *ctx)
{
	bump(0);
	/* Compare with a threshold: cheaper than %, and unbiased for any rate. */
	if (bpf_get_prandom_u32() < 0xffffffffu / 100)
		bump(1);
	if (drop_per_mille && bpf_get_prandom_u32() < (0xffffffffu / 1000) * drop_per_mille) {
		bump(2);
		return XDP_DROP;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
