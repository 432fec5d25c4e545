// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_redirect_peer: move an ingress packet straight into a container through its veth peer.
//
// On the host side of a veth pair, a tc ingress program can hand a packet directly to the
// peer device inside the container's network namespace. This skips the backlog queue and
// the second pass through the stack that bpf_redirect to the veth would cause, which is
// how Cilium speeds up pod traffic. The target ifindex is the host-side veth (or netkit)
// whose peer receives the packet. It works only at tc ingress, and the program must return
// the helper's TC_ACT_REDIRECT.
//
// bpfspec: run retval=7
// bpfspec: expect-map redirected[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Destination IPv4 address (network order) -> host-side veth ifindex, filled by the CNI. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 4096);
} pods SEC(".maps");

/* Fallback device when the pod is not in the table (the test run uses it). */
const volatile __u32 default_ifindex = 1;

/* Slot 0: packets redirected. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} redirected SEC(".maps");

SEC("tc")
int to_pod(struct __sk_buff *skb)
{
	__u32 zero = 0, daddr = 0, ifindex = default_ifindex;
	__u64 *n = bpf_map_lookup_elem(&redirected, &zero);
	__u32 *dev;
	long act;

	/* 14-byte Ethernet header, then the IPv4 destination at offset 16 of the IP header. */
	if (skb->protocol != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, 14 + 16, &daddr, 4))
		return TC_ACT_OK;
	dev = bpf_map_lookup_elem(&pods, &daddr);
	if (dev)
		ifindex = *dev;

	act = bpf_redirect_peer(ifindex, 0); /* flags must be 0 */
	if (act == TC_ACT_REDIRECT && n)
		__sync_fetch_and_add(n, 1);
	return act;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
