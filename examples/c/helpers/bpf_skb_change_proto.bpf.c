// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_change_proto: translate IPv4/TCP packets to IPv6 (NAT46 with the 64:ff9b::/96 prefix).
//
// Changing to ETH_P_IPV6 makes 20 bytes of room after the MAC header (the
// IPv6 header is 40 bytes, IPv4's 20) and adjusts the packet's metadata, GSO
// included; writing the new header is up to the program. Only IPv4 <-> IPv6
// is supported and flags must be 0. The TCP checksum covers the addresses
// through the pseudo-header, so the program adds the address change to it
// with `bpf_l4_csum_replace` and BPF_F_PSEUDO_HDR. Slot 0 gets the new length.
//
// bpfspec: run retval=0
// bpfspec: expect-map v6_len[0] == 84
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_OFF ETH_HLEN
#define TCP6_CSUM_OFF (IP_OFF + sizeof(struct ipv6hdr) + offsetof(struct tcphdr, check))

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} v6_len SEC(".maps");

/* 64:ff9b::a.b.c.d, the well-known NAT64 prefix with the IPv4 address at the end. */
static void map_v4(struct in6_addr *out, __be32 v4)
{
	out->in6_u.u6_addr32[0] = bpf_htonl(0x0064ff9b);
	out->in6_u.u6_addr32[1] = 0;
	out->in6_u.u6_addr32[2] = 0;
	out->in6_u.u6_addr32[3] = v4;
}

SEC("tc")
int nat46(struct __sk_buff *skb)
{
	struct iphdr iph;
	if (skb->protocol != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, IP_OFF, &iph, sizeof(iph)))
		return TC_ACT_OK;
	if (iph.ihl != 5 || iph.protocol != IPPROTO_TCP || (iph.frag_off & bpf_htons(0x3fff)))
		return TC_ACT_OK; /* options and fragments are out of scope here */

	struct ipv6hdr ip6 = {
		.version = 6,
		.payload_len = bpf_htons(bpf_ntohs(iph.tot_len) - sizeof(iph)),
		.nexthdr = IPPROTO_TCP,
		.hop_limit = iph.ttl,
	};
	map_v4(&ip6.saddr, iph.saddr);
	map_v4(&ip6.daddr, iph.daddr);

	/*
	 * Pseudo-header: old addresses out, new ones in; length and protocol sum the same.
	 * 64:ff9b:: itself sums to zero (it was chosen to be checksum-neutral), so the
	 * diff is 0 here, but not for other prefixes.
	 */
	__s64 diff = bpf_csum_diff(&iph.saddr, 2 * sizeof(__be32), (__be32 *)&ip6.saddr, 2 * sizeof(struct in6_addr), 0);
	if (diff < 0)
		return TC_ACT_SHOT;

	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0))
		return TC_ACT_SHOT;

	__be16 proto = bpf_htons(ETH_P_IPV6);
	if (bpf_skb_store_bytes(skb, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto), 0) ||
	    bpf_skb_store_bytes(skb, IP_OFF, &ip6, sizeof(ip6), 0) ||
	    bpf_l4_csum_replace(skb, TCP6_CSUM_OFF, 0, diff, BPF_F_PSEUDO_HDR))
		return TC_ACT_SHOT;

	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&v6_len, &key);
	if (slot)
		*slot = skb->len;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
