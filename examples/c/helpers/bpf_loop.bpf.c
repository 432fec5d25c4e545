// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_loop: search a table of allowed TCP ports with a verifier-friendly loop.
//
// The callback is verified once, not once per iteration, so the table could hold
// thousands of entries without hitting the instruction limit. State goes in and out
// through a struct on the caller's stack; returning 1 from the callback ends the loop
// early. Port 80 is the third entry, so the test packet (to port 80) stops the loop
// after 3 iterations and is passed.
//
// bpfspec: run retval=2
// bpfspec: expect-map loop_result[0] == 3
// bpfspec: expect-map loop_result[1] == 2
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define NR_PORTS 8

/* Allowed destination ports; user space may rewrite the table before attaching. */
__u16 allowed_ports[NR_PORTS] = {22, 443, 80, 8080};

/* loop_result[0] = iterations run, loop_result[1] = index of the matching entry. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} loop_result SEC(".maps");

struct search {
	__u16 port;
	__s32 found;
};

static long match_port(__u32 index, struct search *s)
{
	if (index >= NR_PORTS)
		return 1;
	if (allowed_ports[index] == s->port) {
		s->found = index;
		return 1; /* stop */
	}
	return 0;
}

SEC("xdp")
int allow_listed_ports(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);
	struct search s = {.found = -1};
	__u32 key;
	__u64 val;
	long n;

	if ((void *)(tcp + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_TCP)
		return XDP_PASS;

	s.port = bpf_ntohs(tcp->dest);
	n = bpf_loop(NR_PORTS, match_port, &s, 0);

	key = 0;
	val = n;
	bpf_map_update_elem(&loop_result, &key, &val, BPF_ANY);
	key = 1;
	val = s.found;
	bpf_map_update_elem(&loop_result, &key, &val, BPF_ANY);
	return s.found >= 0 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
