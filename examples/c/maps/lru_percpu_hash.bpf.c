// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_LRU_PERCPU_HASH: per-CPU byte counts per IPv4 destination, with eviction.
//
// Combines the two properties of its name: a full table evicts its least recently used keys,
// and each key has one value per CPU, so counting needs no atomics. The key is the
// destination address as it sits in the packet (network byte order), so 10.0.0.2 is the
// little-endian u32 33554442. User space sums the per-CPU values of a key, as with
// BPF_MAP_TYPE_PERCPU_HASH, and must expect keys to disappear when the table is full.
//
// bpfspec: run retval=2
// bpfspec: expect-map bytes_to[33554442] == 64
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__type(key, __u32);   /* IPv4 destination, network byte order */
	__type(value, __u64); /* bytes */
	__uint(max_entries, 16384);
} bytes_to SEC(".maps");

SEC("xdp")
int bytes_per_destination(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	__u32 daddr = ip->daddr;
	__u64 len = data_end - data;
	__u64 *bytes = bpf_map_lookup_elem(&bytes_to, &daddr);
	if (bytes)
		*bytes += len;
	else
		/* Sets this CPU's value; the other CPUs' copies start at zero. */
		bpf_map_update_elem(&bytes_to, &daddr, &len, BPF_NOEXIST);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
