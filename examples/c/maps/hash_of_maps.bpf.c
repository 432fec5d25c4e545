// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_HASH_OF_MAPS: one counter table per tenant, found by a tenant id.
//
// Like BPF_MAP_TYPE_ARRAY_OF_MAPS, but keyed by any value, so tenants can come and go: user
// space creates an inner map for a new tenant and inserts its fd under the tenant's key, and
// deletes the key when the tenant leaves. Inner maps must match the __array(values, ...)
// template. Here the tenant is the TCP destination port and libbpf installs the table for
// port 80 at load time.
//
// bpfspec: run retval=2
// bpfspec: expect-map web_tenant[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct tenant_counters {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
};

struct tenant_counters web_tenant SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__type(key, __u32); /* tenant id: the TCP destination port */
	__uint(max_entries, 64);
	__array(values, struct tenant_counters);
} tenants SEC(".maps") = {
	.values = { [80] = &web_tenant },
};

SEC("xdp")
int count_per_tenant(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);

	if ((void *)(tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_TCP)
		return XDP_PASS;

	__u32 tenant = bpf_ntohs(tcp->dest);
	void *counters = bpf_map_lookup_elem(&tenants, &tenant);
	if (!counters)
		return XDP_PASS;

	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(counters, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
