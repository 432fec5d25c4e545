// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_PROG_ARRAY: dispatch XDP packets to per-protocol programs with tail calls.
//
// The dispatcher jumps to the program stored in the slot of the packet's IP protocol; a tail
// call does not return, so the code after it runs only when the slot is empty. Here libbpf
// fills slot IPPROTO_TCP at load time from the static initialiser; otherwise user space
// stores program fds with BPF_MAP_UPDATE_ELEM, and may swap them while traffic flows. All
// programs in one array must have the same program type.
//
// bpfspec: run retval=2
// bpfspec: run-prog dispatch
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int handle_tcp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(max_entries, 256);
	__array(values, int(struct xdp_md *));
} by_protocol SEC(".maps") = {
	.values = { [IPPROTO_TCP] = (void *)&handle_tcp },
};

SEC("xdp")
int dispatch(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	bpf_tail_call(ctx, &by_protocol, ip->protocol);
	/* No program for this protocol: drop, so the test run can tell both paths apart. */
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
