// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_lwt_seg6_adjust_srh: make room for a TLV at the end of the segment routing header.
//
// In an End.BPF function the SRH can grow or shrink only in its TLV area: a
// positive delta inserts that many bytes at `offset`, a negative one removes
// them. The new bytes are then filled with bpf_lwt_seg6_store_bytes. The SRH
// must stay a multiple of 8 bytes and its TLVs well-formed, or the kernel
// drops the packet after the program. Here an 8-byte opaque TLV carrying a
// node id is appended. Not test-run: lwt_seg6local has no BPF_PROG_TEST_RUN.
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/seg6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct node_tlv {
	__u8 type;
	__u8 len; /* bytes after this field */
	__u8 pad[2];
	__u32 node_id;
};

const volatile __u32 node_id = 7;

SEC("lwt_seg6local")
int append_tlv(struct __sk_buff *skb)
{
	struct ipv6hdr ip6;
	struct ipv6_sr_hdr srh;

	if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)) || ip6.nexthdr != IPPROTO_ROUTING)
		return BPF_OK;
	if (bpf_skb_load_bytes(skb, sizeof(ip6), &srh, sizeof(srh)))
		return BPF_OK;

	/* hdrlen counts 8-byte units after the first 8 bytes */
	__u32 srh_end = sizeof(ip6) + (srh.hdrlen + 1) * 8;
	if (bpf_lwt_seg6_adjust_srh(skb, srh_end, sizeof(struct node_tlv)))
		return BPF_DROP;

	struct node_tlv tlv = {
		.type = SR6_TLV_OPAQUE,
		.len = sizeof(tlv) - 2,
		.node_id = bpf_htonl(node_id),
	};
	if (bpf_lwt_seg6_store_bytes(skb, srh_end, &tlv, sizeof(tlv)))
		return BPF_DROP;
	return BPF_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
