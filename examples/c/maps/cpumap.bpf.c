// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_CPUMAP: spread XDP packets over CPUs, which then build the sk_buffs.
//
// Each slot is a CPU; user space enables it by storing a struct bpf_cpumap_val with a queue
// size (and optionally a second XDP program to run on that CPU). Redirecting there moves the
// cost of the network stack off the CPU that took the interrupt, for example to spread one
// busy queue. Here the CPU is chosen from the flow's source port; without a configured slot
// bpf_redirect_map() returns the fallback, XDP_PASS.
//
// bpfspec: run retval=2
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_CPUS 64

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
	__uint(max_entries, MAX_CPUS);
} cpus SEC(".maps");

SEC("xdp")
int spread_flows(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);
	__u32 cpu = 0;

	/* Keep a flow on one CPU so its packets stay in order. */
	if ((void *)(tcp + 1) <= data_end && eth->h_proto == bpf_htons(ETH_P_IP) && ip->ihl == 5 &&
	    ip->protocol == IPPROTO_TCP)
		cpu = bpf_ntohs(tcp->source) % MAX_CPUS;
	return bpf_redirect_map(&cpus, cpu, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
