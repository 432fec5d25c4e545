// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_set_hash: steer all packets of one host to the same CPU by hashing only the source address.
//
// The flow hash decides RPS/RFS CPU choice and some qdiscs' flow queues. The
// default hash covers addresses and ports; this program replaces it with one
// of the IPv4 source alone, so all connections of a client stay together. The
// hash read back from skb->hash lands in slot 0 (for 10.0.0.1: 2285337009).
//
// bpfspec: run retval=0
// bpfspec: expect-map hash[0] == 2285337009
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hash SEC(".maps");

SEC("tc")
int hash_by_source(struct __sk_buff *skb)
{
	__be32 saddr;
	if (skb->protocol != bpf_htons(ETH_P_IP) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN + offsetof(struct iphdr, saddr), &saddr, sizeof(saddr)))
		return TC_ACT_OK;

	/* A multiplicative hash; 0 would mean "no hash", so avoid it. */
	__u32 h = bpf_ntohl(saddr) * 2654435761u;
	bpf_set_hash(skb, h ? h : 1);

	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&hash, &key);
	if (slot)
		*slot = skb->hash;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
