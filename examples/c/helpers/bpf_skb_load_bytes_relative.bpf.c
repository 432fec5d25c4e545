// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_load_bytes_relative: read the IPv4 header without knowing how long the L2 header is.
//
// With BPF_HDR_START_NET the offset counts from the network header, so the same
// code works on Ethernet, VLAN-tagged or tunnel devices. The bytes are copied
// to the stack, so no data/data_end bounds checks are needed. The program
// records the TTL and lets the packet through (TC_ACT_OK).
//
// bpfspec: run retval=0
// bpfspec: expect-map ttl[0] == 64
#include <linux/bpf.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef ETH_P_IP
#define ETH_P_IP 0x0800
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} ttl SEC(".maps");

SEC("tc")
int read_ip_header(struct __sk_buff *skb)
{
	struct iphdr ip;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	/* offset 0 from the network header; the length must be a constant */
	if (bpf_skb_load_bytes_relative(skb, 0, &ip, sizeof(ip), BPF_HDR_START_NET))
		return TC_ACT_OK;

	__u32 key = 0;
	__u64 v = ip.ttl;
	bpf_map_update_elem(&ttl, &key, &v, BPF_ANY);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
