// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sk_lookup_udp: drop UDP packets early in XDP when no local socket is bound to their port.
//
// The kernel would answer such packets with ICMP port-unreachable after the
// full receive path; an XDP filter can discard floods of them first. The
// lookup takes the 4-tuple from the packet (BPF_F_CURRENT_NETNS: the
// receiving device's namespace) and the returned socket must be released.
// The test packet is TCP, so the run passes it untouched and counts nothing.
//
// bpfspec: run retval=2
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} dropped SEC(".maps");

SEC("xdp")
int drop_unbound_udp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return XDP_PASS;

	struct bpf_sock_tuple t = {};
	t.ipv4.saddr = ip->saddr;
	t.ipv4.daddr = ip->daddr;
	t.ipv4.sport = udp->source;
	t.ipv4.dport = udp->dest;

	struct bpf_sock *sk = bpf_sk_lookup_udp(ctx, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (sk) {
		bpf_sk_release(sk);
		return XDP_PASS;
	}

	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&dropped, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
