// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_fib_lookup: forward IPv4 packets in XDP using the kernel's routing and neighbour tables.
//
// The program fills struct bpf_fib_lookup from the packet, asks the kernel
// for the route, and on BPF_FIB_LKUP_RET_SUCCESS rewrites the MAC addresses,
// decrements the TTL and redirects to the egress device. Every other answer
// (no neighbour yet, local destination, forwarding off, ...) hands the
// packet to the stack, which resolves it the slow way. Each answer is
// counted per result code. Not test-run: the outcome depends on this host's
// routes and neighbour cache.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef AF_INET
#define AF_INET 2
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16); /* indexed by BPF_FIB_LKUP_RET_* */
} results SEC(".maps");

static __always_inline void ttl_decrement(struct iphdr *ip)
{
	/* incremental checksum update for a TTL change of -1 (RFC 1624) */
	__u32 check = ip->check;
	check += bpf_htons(0x0100);
	ip->check = (__u16)(check + (check >= 0xFFFF));
	ip->ttl--;
}

SEC("xdp")
int xdp_router(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (ip->ttl <= 1)
		return XDP_PASS; /* let the stack send the ICMP time-exceeded */

	struct bpf_fib_lookup fib = {};
	fib.family = AF_INET;
	fib.tos = ip->tos;
	fib.l4_protocol = ip->protocol;
	fib.tot_len = bpf_ntohs(ip->tot_len);
	fib.ipv4_src = ip->saddr;
	fib.ipv4_dst = ip->daddr;
	fib.ifindex = ctx->ingress_ifindex;

	/* the size argument is the size of the struct; flags 0: full lookup incl. neighbour */
	long rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);

	__u32 key = rc < 0 ? 15 : (__u32)rc;
	__u64 *n = bpf_map_lookup_elem(&results, &key);
	if (n)
		__sync_fetch_and_add(n, 1);

	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;

	ttl_decrement(ip);
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
	return bpf_redirect(fib.ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
