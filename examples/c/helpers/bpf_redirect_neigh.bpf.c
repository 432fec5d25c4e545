// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_redirect_neigh: forward a packet out of another interface and let the kernel fill in the MACs.
//
// Plain bpf_redirect sends the frame as is, so the program would have to know the next
// hop's MAC address. bpf_redirect_neigh instead hands the packet to the neighbour
// subsystem of the target device, which resolves (ARP/ND) and writes the Ethernet header.
// Passing a next-hop address (from bpf_fib_lookup, for example) routes via that gateway;
// NULL means the packet's own destination. The helper returns TC_ACT_REDIRECT, which the
// program must return for the redirect to happen; it only works from tc.
//
// bpfspec: run retval=7
// bpfspec: expect-map redirected[0] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* Set by user space to the egress interface (for example from if_nametoindex()). */
const volatile __u32 out_ifindex = 1;

/* Slot 0: packets handed to the neighbour subsystem. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} redirected SEC(".maps");

SEC("tc")
int forward_l3(struct __sk_buff *skb)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&redirected, &zero);
	long act;

	/* No next-hop parameters (NULL, 0): use the packet's destination; flags must be 0. */
	act = bpf_redirect_neigh(out_ifindex, NULL, 0, 0);
	if (act == TC_ACT_REDIRECT && n)
		__sync_fetch_and_add(n, 1);
	return act;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
