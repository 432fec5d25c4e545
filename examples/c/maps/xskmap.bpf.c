// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_XSKMAP: hand packets to AF_XDP sockets in user space, one per receive queue.
//
// User space creates an AF_XDP socket bound to an interface queue, sets up its UMEM and
// rings, and stores the socket fd at the queue's index. The program redirects each packet
// to the socket of the queue it arrived on; a lookup first tells whether a socket is there.
// With no socket (as in a test run), the fallback action XDP_PASS gives the packet to the
// kernel stack instead.
//
// bpfspec: run retval=2
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__type(key, __u32);   /* receive queue index */
	__type(value, __u32); /* AF_XDP socket fd, as written by user space */
	__uint(max_entries, 64);
} xsks SEC(".maps");

SEC("xdp")
int to_user_space(struct xdp_md *ctx)
{
	__u32 queue = ctx->rx_queue_index;

	if (!bpf_map_lookup_elem(&xsks, &queue))
		return XDP_PASS;
	return bpf_redirect_map(&xsks, queue, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
