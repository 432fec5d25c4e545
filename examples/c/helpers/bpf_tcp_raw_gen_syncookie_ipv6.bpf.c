// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_tcp_raw_gen_syncookie_ipv6: SYN cookies for both address families in one XDP program.
//
// The IPv6 helper works like the IPv4 one but takes a struct ipv6hdr, and it only knows
// the fixed 40-byte header: extension headers must be skipped by the caller. A dual
// stack SYN proxy dispatches on the EtherType, as here. The fixed test packet is IPv4,
// so the run exercises the IPv4 branch (cookie_out[0]); the IPv6 branch is checked by
// the verifier at load time. Only option-less SYNs are handled, to keep it short.
//
// bpfspec: run retval=2
// bpfspec: expect-map cookie_out[0] == 1
// bpfspec: expect-map cookie_out[1] == 0
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Cookies generated: cookie_out[0] for IPv4, [1] for IPv6; [2] = the last cookie. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 3);
} cookie_out SEC(".maps");

static void record(__u32 family_slot, __s64 ret)
{
	__u32 key = 2;
	__u64 cookie = (__u32)ret, *cnt;

	bpf_map_update_elem(&cookie_out, &key, &cookie, BPF_ANY);
	cnt = bpf_map_lookup_elem(&cookie_out, &family_slot);
	if (cnt)
		*cnt += 1;
}

static int is_plain_syn(struct tcphdr *tcp)
{
	return tcp->syn && !tcp->ack && tcp->doff == 5;
}

SEC("xdp")
int syn_cookie_dual_stack(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__s64 ret;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		struct tcphdr *tcp = (void *)(ip6 + 1);

		if ((void *)(tcp + 1) > data_end || ip6->nexthdr != IPPROTO_TCP || !is_plain_syn(tcp))
			return XDP_PASS;
		ret = bpf_tcp_raw_gen_syncookie_ipv6(ip6, tcp, sizeof(*tcp));
		if (ret >= 0)
			record(1, ret);
	} else if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		struct tcphdr *tcp = (void *)(ip + 1);

		if ((void *)(tcp + 1) > data_end || ip->ihl != 5 || ip->protocol != IPPROTO_TCP ||
		    !is_plain_syn(tcp))
			return XDP_PASS;
		ret = bpf_tcp_raw_gen_syncookie_ipv4(ip, tcp, sizeof(*tcp));
		if (ret >= 0)
			record(0, ret);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
