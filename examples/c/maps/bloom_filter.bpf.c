// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_BLOOM_FILTER: a quick "definitely not in the set" test before a costly lookup.
//
// A bloom filter stores no values and has no keys: bpf_map_push_elem() adds a value and
// bpf_map_peek_elem() answers 0 for "maybe present" or -ENOENT for "certainly absent";
// elements cannot be removed. Here user space would push the blocked IPv4 sources, and the
// program consults the exact hash only on a "maybe". map_extra sets the number of hash
// functions (1-15, default 5). With an empty filter the test packet is certainly absent.
//
// bpfspec: run retval=2
// bpfspec: expect-map answers[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__type(value, __u32); /* IPv4 source, network byte order */
	__uint(max_entries, 10000);
	__uint(map_extra, 3);
} maybe_blocked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u8);
	__uint(max_entries, 10000);
} blocked SEC(".maps");

/* Slot 0: certainly absent, slot 1: maybe present. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} answers SEC(".maps");

SEC("xdp")
int filter_sources(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	__u32 saddr = ip->saddr;
	__u32 slot = bpf_map_peek_elem(&maybe_blocked, &saddr) == 0;
	__u64 *n = bpf_map_lookup_elem(&answers, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	/* A "maybe" can be a false positive: the hash has the final word. */
	if (slot && bpf_map_lookup_elem(&blocked, &saddr))
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
