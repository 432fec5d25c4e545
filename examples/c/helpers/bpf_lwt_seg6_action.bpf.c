// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_lwt_seg6_action: let an End.BPF function finish with a built-in SRv6 behaviour.
//
// After its own processing the program can hand the packet to one of the
// kernel's seg6local actions; End.X (SEG6_LOCAL_ACTION_END_X) moves to the
// next segment and forwards to a fixed IPv6 next hop, given as a 16-byte
// parameter. The action already set the destination, so the program must
// return BPF_REDIRECT. Packets with no segment left are passed on unchanged.
// Not test-run: lwt_seg6local programs have no BPF_PROG_TEST_RUN support.
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/seg6.h>
#include <linux/seg6_local.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct in6_addr); /* next hop, set by user space */
	__uint(max_entries, 1);
} next_hop SEC(".maps");

SEC("lwt_seg6local")
int end_x(struct __sk_buff *skb)
{
	struct ipv6hdr ip6;
	struct ipv6_sr_hdr srh;

	if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)) || ip6.nexthdr != IPPROTO_ROUTING)
		return BPF_OK;
	if (bpf_skb_load_bytes(skb, sizeof(ip6), &srh, sizeof(srh)) || srh.segments_left == 0)
		return BPF_OK;

	__u32 key = 0;
	struct in6_addr *nh = bpf_map_lookup_elem(&next_hop, &key);
	if (!nh)
		return BPF_DROP;
	/* the parameter length must be exactly what the action expects: 16 bytes for End.X */
	if (bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_X, nh, sizeof(*nh)))
		return BPF_DROP;
	return BPF_REDIRECT;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
