// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_xdp_load_bytes: copy packet bytes out of an XDP buffer, across fragments if needed.
//
// Unlike direct access through data/data_end, the copy works for any offset within
// bpf_xdp_get_buff_len(), even in a later fragment, and needs no bounds-check dance;
// the price is a copy into a stack buffer. The program reads the TCP destination port
// at the fixed offset of an option-less IPv4 header; the test packet goes to port 80.
//
// bpfspec: run retval=2
// bpfspec: expect-map dest_port[0] == 80
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} dest_port SEC(".maps");

SEC("xdp.frags")
int read_dest_port(struct xdp_md *ctx)
{
	struct iphdr ip;
	__u16 port;
	__u32 key = 0;
	__u64 val;

	if (bpf_xdp_load_bytes(ctx, sizeof(struct ethhdr), &ip, sizeof(ip)) < 0)
		return XDP_PASS;
	if (ip.version != 4 || ip.ihl != 5 || ip.protocol != IPPROTO_TCP)
		return XDP_PASS;
	if (bpf_xdp_load_bytes(ctx, sizeof(struct ethhdr) + sizeof(ip) + offsetof(struct tcphdr, dest),
			       &port, sizeof(port)) < 0)
		return XDP_PASS;
	val = bpf_ntohs(port);
	bpf_map_update_elem(&dest_port, &key, &val, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
