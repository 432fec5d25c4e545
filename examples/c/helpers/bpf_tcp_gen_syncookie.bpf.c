// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_tcp_gen_syncookie: compute the SYN cookie a listener would answer with, from XDP.
//
// Under a SYN flood, an XDP SYN proxy answers SYNs itself with a SYN-ACK whose sequence
// number is a cookie, so no state is kept until the client proves it is real. The cookie
// must be the one the listener would have produced, so the helper needs that listener
// (found with bpf_skc_lookup_tcp) and the SYN's IP and TCP headers, options included (the
// MSS is encoded in the cookie). Here the TCP header is copied to the stack with its
// options so its length can vary. The result packs the cookie in the low 32 bits and the
// MSS in the next 16. The test run has no listener on 10.0.0.2:80, so nothing is generated.
//
// bpfspec: run retval=2
// bpfspec: expect-map cookies[1] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_TCP_HDR 60

/* 0: cookies generated, 1: SYNs with no listener, 2: helper errors, 3: last cookie. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} cookies SEC(".maps");

static void count(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&cookies, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("xdp")
int syn_cookie(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct tcphdr *tcp = (void *)(ip + 1);
	__u8 th[MAX_TCP_HDR] = {};
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	__u64 thlen;
	__s64 val;
	__u32 klast = 3;
	__u64 *last;

	if ((void *)(tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_TCP || !tcp->syn || tcp->ack)
		return XDP_PASS;
	thlen = tcp->doff * 4;
	if (thlen < sizeof(*tcp) || thlen > MAX_TCP_HDR)
		return XDP_PASS;
	if (bpf_xdp_load_bytes(ctx, sizeof(*eth) + sizeof(*ip), th, thlen))
		return XDP_PASS;

	tuple.ipv4.saddr = ip->saddr;
	tuple.ipv4.daddr = ip->daddr;
	tuple.ipv4.sport = tcp->source;
	tuple.ipv4.dport = tcp->dest;
	sk = bpf_skc_lookup_tcp(ctx, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk) {
		count(1);
		return XDP_PASS;
	}
	if (sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		return XDP_PASS;
	}
	val = bpf_tcp_gen_syncookie(sk, ip, sizeof(*ip), (struct tcphdr *)th, thlen);
	bpf_sk_release(sk);
	if (val < 0) {
		count(2); /* e.g. -ENOENT when the listener has syncookies disabled */
		return XDP_PASS;
	}
	count(0);
	last = bpf_map_lookup_elem(&cookies, &klast);
	if (last)
		*last = val;
	/* A SYN proxy would now build the SYN-ACK in place and return XDP_TX. */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
