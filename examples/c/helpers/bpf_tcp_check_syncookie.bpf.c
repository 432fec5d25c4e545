// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_tcp_check_syncookie: accept the ACK that completes a SYN-cookie handshake, in XDP.
//
// When a listener is flooded it answers SYNs with cookies and keeps no state;
// the final ACK then has to be validated against the cookie. The program finds
// the listener with bpf_skc_lookup_tcp and lets the helper check the ACK,
// passing valid ones and dropping forged ones. Lengths are the header sizes.
// The test packet is a SYN, which is not checked, so it passes.
//
// bpfspec: run retval=2
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2); /* 0: valid cookie, 1: invalid cookie */
} verdicts SEC(".maps");

static void count(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&verdicts, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("xdp")
int check_cookie_ack(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);

	if ((void *)(tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_TCP || ip->ihl != 5)
		return XDP_PASS;
	/* only a bare ACK can finish a cookie handshake */
	if (!tcp->ack || tcp->syn || tcp->rst || tcp->fin)
		return XDP_PASS;

	struct bpf_sock_tuple t = {};
	t.ipv4.saddr = ip->saddr;
	t.ipv4.daddr = ip->daddr;
	t.ipv4.sport = tcp->source;
	t.ipv4.dport = tcp->dest;

	struct bpf_sock *sk = bpf_skc_lookup_tcp(ctx, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return XDP_PASS;

	int verdict = XDP_PASS;
	if (sk->state == BPF_TCP_LISTEN) {
		if (bpf_tcp_check_syncookie(sk, ip, sizeof(*ip), tcp, sizeof(*tcp)) == 0) {
			count(0);
		} else {
			count(1);
			verdict = XDP_DROP;
		}
	}
	bpf_sk_release(sk);
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
