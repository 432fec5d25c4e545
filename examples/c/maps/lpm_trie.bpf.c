// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_LPM_TRIE: longest-prefix match of IPv4 destinations against a routing-style table.
//
// A key is a prefix length in bits followed by the address bytes in network order; a lookup
// with prefixlen 32 and a full address finds the most specific stored prefix that covers it.
// User space stores prefixes such as 10.0.0.0/8 with BPF_MAP_UPDATE_ELEM. The map must be
// created with BPF_F_NO_PREALLOC. Here the table starts empty, so the test packet counts as
// unmatched.
//
// bpfspec: run retval=2
// bpfspec: expect-map matches[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct ipv4_prefix {
	__u32 prefixlen; /* bits of addr that count */
	__u32 addr;      /* network byte order */
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct ipv4_prefix);
	__type(value, __u32); /* a class id chosen by user space */
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} routes SEC(".maps");

/* Slot 0: no prefix matched, slot 1: some prefix matched. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} matches SEC(".maps");

SEC("xdp")
int classify_destination(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	struct ipv4_prefix key = { .prefixlen = 32, .addr = ip->daddr };
	__u32 *class = bpf_map_lookup_elem(&routes, &key);
	__u32 slot = class ? 1 : 0;
	__u64 *n = bpf_map_lookup_elem(&matches, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
