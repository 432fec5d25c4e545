// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_LRU_HASH: a flow table that never fills up, keyed by TCP source port.
//
// When the table is full an insert evicts the least recently used entries instead of failing,
// which suits caches of connections that may go away without notice. Each packet records the
// time it was seen and bumps a counter. An entry may vanish at any time through eviction, so
// nothing may depend on a key staying present. User space reads and ages out entries with
// the ordinary lookup, iteration and delete commands.
//
// bpfspec: run retval=2
// bpfspec: expect-map flows[4321] >= 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct flow {
	__u64 packets;
	__u64 last_seen_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u32); /* TCP source port */
	__type(value, struct flow);
	__uint(max_entries, 4096);
} flows SEC(".maps");

SEC("xdp")
int track_flows(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);

	if ((void *)(tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_TCP)
		return XDP_PASS;

	__u32 port = bpf_ntohs(tcp->source);
	__u64 now = bpf_ktime_get_ns();
	struct flow *f = bpf_map_lookup_elem(&flows, &port);
	if (f) {
		__sync_fetch_and_add(&f->packets, 1);
		f->last_seen_ns = now;
	} else {
		struct flow fresh = { .packets = 1, .last_seen_ns = now };
		/* BPF_ANY: on a full table this evicts an old flow rather than failing. */
		bpf_map_update_elem(&flows, &port, &fresh, BPF_ANY);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
