// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_set_hash_invalid: drop the cached flow hash after rewriting a port, so it is recomputed.
//
// The kernel caches a packet's flow hash (skb->hash). Once the program changes
// the fields it was computed from, the cached value is wrong; this helper
// clears it, and the next reader (`bpf_get_hash_recalc`, RPS, a qdisc)
// computes a fresh one. The hash read right after clearing is 0 (slot 1); the
// recomputed one differs from the first (slot 0 counts packets where it does).
//
// bpfspec: run retval=0
// bpfspec: expect-map hashes[1] == 0
// bpfspec: expect-map hashes[0] == 1
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define DPORT_OFF (ETH_HLEN + sizeof(struct iphdr) + offsetof(struct tcphdr, dest))
#define TCP_CSUM_OFF (ETH_HLEN + sizeof(struct iphdr) + offsetof(struct tcphdr, check))

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} hashes SEC(".maps");

SEC("tc")
int rewrite_port(struct __sk_buff *skb)
{
	struct iphdr iph;
	if (skb->protocol != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, ETH_HLEN, &iph, sizeof(iph)) ||
	    iph.ihl != 5 || iph.protocol != IPPROTO_TCP)
		return TC_ACT_OK;

	__u32 before = bpf_get_hash_recalc(skb);

	__be16 old_port, port = bpf_htons(8080);
	if (bpf_skb_load_bytes(skb, DPORT_OFF, &old_port, sizeof(old_port)) || old_port == port)
		return TC_ACT_OK;
	if (bpf_l4_csum_replace(skb, TCP_CSUM_OFF, old_port, port, sizeof(port)) ||
	    bpf_skb_store_bytes(skb, DPORT_OFF, &port, sizeof(port), 0))
		return TC_ACT_SHOT;

	bpf_set_hash_invalid(skb);
	__u32 cleared = skb->hash;
	__u32 after = bpf_get_hash_recalc(skb);

	__u32 key = 1;
	__u64 *slot = bpf_map_lookup_elem(&hashes, &key);
	if (slot)
		*slot = cleared;
	key = 0;
	slot = bpf_map_lookup_elem(&hashes, &key);
	if (slot && after != before)
		__sync_fetch_and_add(slot, 1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
