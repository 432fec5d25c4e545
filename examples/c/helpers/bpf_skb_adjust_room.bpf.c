// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_adjust_room: encapsulate IPv4 packets in IPIP (an outer IPv4 header) at tc egress.
//
// BPF_ADJ_ROOM_MAC inserts room right after the MAC header; the ENCAP flags
// tell the kernel the inner headers now sit deeper, so GSO and checksum
// offload keep working. The program writes the 20-byte outer header, whose
// checksum it computes with `bpf_csum_diff`. BPF_ADJ_ROOM_NET would instead
// make room after the IP header. The outer protocol read back lands in slot 0
// (4 is IPIP), the new length in slot 1.
//
// bpfspec: run retval=0
// bpfspec: expect-map encap[0] == 4
// bpfspec: expect-map encap[1] == 84
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __be32 tunnel_src = 0x0100a8c0; /* 192.168.0.1 in network order on little-endian */
const volatile __be32 tunnel_dst = 0x0200a8c0; /* 192.168.0.2 */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} encap SEC(".maps");

SEC("tc")
int ipip_encap(struct __sk_buff *skb)
{
	struct iphdr inner;
	if (skb->protocol != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, ETH_HLEN, &inner, sizeof(inner)))
		return TC_ACT_OK;

	struct iphdr outer = {
		.version = 4,
		.ihl = 5,
		.tos = inner.tos,
		.tot_len = bpf_htons(bpf_ntohs(inner.tot_len) + sizeof(outer)),
		.frag_off = bpf_htons(0x4000), /* don't fragment */
		.ttl = 64,
		.protocol = IPPROTO_IPIP,
		.saddr = tunnel_src,
		.daddr = tunnel_dst,
	};
	__s64 sum = bpf_csum_diff(0, 0, (__be32 *)&outer, sizeof(outer), 0);
	if (sum < 0)
		return TC_ACT_SHOT;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	outer.check = ~sum;

	if (bpf_skb_adjust_room(skb, sizeof(outer), BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN, &outer, sizeof(outer), 0))
		return TC_ACT_SHOT;

	__u8 proto = 0;
	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&encap, &key);
	if (slot && bpf_skb_load_bytes(skb, ETH_HLEN + offsetof(struct iphdr, protocol), &proto, 1) == 0)
		*slot = proto;
	key = 1;
	slot = bpf_map_lookup_elem(&encap, &key);
	if (slot)
		*slot = skb->len;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
