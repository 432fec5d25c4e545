// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_lwt_seg6_store_bytes: stamp a tag into the segment routing header at an SRv6 node.
//
// An End.BPF function (`ip -6 route add SID encap seg6local action End.BPF
// endpoint obj obj.o sec lwt_seg6local dev eth0`) runs for packets whose active
// segment is this node. The SRH cannot be written directly; this helper may
// change only its flags, tag and TLV area. The offset counts from the IPv6
// header; here the SRH follows it directly, so its tag is at 40 + 6.
// Not test-run: lwt_seg6local programs have no BPF_PROG_TEST_RUN support.
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/seg6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define NODE_TAG 42

SEC("lwt_seg6local")
int tag_srh(struct __sk_buff *skb)
{
	struct ipv6hdr ip6;

	if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)) || ip6.nexthdr != IPPROTO_ROUTING)
		return BPF_OK; /* extension headers before the SRH: leave the packet as it is */

	__u16 tag = bpf_htons(NODE_TAG);
	__u32 off = sizeof(ip6) + __builtin_offsetof(struct ipv6_sr_hdr, tag);
	if (bpf_lwt_seg6_store_bytes(skb, off, &tag, sizeof(tag)))
		return BPF_DROP;
	return BPF_OK; /* BPF_OK: the kernel goes on to the next segment */
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
