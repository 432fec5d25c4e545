// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_l4_csum_replace: redirect TCP port 80 to 8080 in tc and fix the TCP checksum.
//
// A port is covered by the TCP checksum only, so the low bits of the flags
// give the field size (2) and no BPF_F_PSEUDO_HDR is needed; rewriting an IP
// address would also need a call with BPF_F_PSEUDO_HDR and size 4, since the
// address is part of the pseudo-header. The port read back lands in slot 0.
//
// bpfspec: run retval=0
// bpfspec: expect-map new_port[0] == 8080
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_OFF ETH_HLEN
#define TCP_OFF (IP_OFF + sizeof(struct iphdr)) /* assumes no IP options, checked below */
#define DPORT_OFF (TCP_OFF + offsetof(struct tcphdr, dest))
#define TCP_CSUM_OFF (TCP_OFF + offsetof(struct tcphdr, check))

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} new_port SEC(".maps");

SEC("tc")
int port_forward(struct __sk_buff *skb)
{
	struct iphdr iph;
	if (skb->protocol != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, IP_OFF, &iph, sizeof(iph)))
		return TC_ACT_OK;
	if (iph.ihl != 5 || iph.protocol != IPPROTO_TCP)
		return TC_ACT_OK;

	__be16 old_port, port = bpf_htons(8080);
	if (bpf_skb_load_bytes(skb, DPORT_OFF, &old_port, sizeof(old_port)) || old_port != bpf_htons(80))
		return TC_ACT_OK;

	if (bpf_l4_csum_replace(skb, TCP_CSUM_OFF, old_port, port, sizeof(port)) ||
	    bpf_skb_store_bytes(skb, DPORT_OFF, &port, sizeof(port), 0))
		return TC_ACT_SHOT;

	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&new_port, &key);
	if (slot && bpf_skb_load_bytes(skb, DPORT_OFF, &port, sizeof(port)) == 0)
		*slot = bpf_ntohs(port);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
