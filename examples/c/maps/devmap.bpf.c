// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_DEVMAP: forward XDP packets out of another interface chosen by index.
//
// User space stores a target ifindex (and optionally an XDP program fd to run on egress, in
// struct bpf_devmap_val) at each slot. bpf_redirect_map() queues the packet for that device;
// the lower bits of its flags give the action to return when the slot is empty, so an
// unconfigured map falls back to XDP_PASS, as the test run here shows. Redirects are
// flushed in batches at the end of the driver's poll.
//
// bpfspec: run retval=2
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
	__uint(max_entries, 64);
} tx_ports SEC(".maps");

SEC("xdp")
int forward(struct xdp_md *ctx)
{
	/* Slot = receiving queue, a stand-in for a real forwarding decision. */
	return bpf_redirect_map(&tx_ports, ctx->rx_queue_index, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
