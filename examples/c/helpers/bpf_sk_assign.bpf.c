// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sk_assign: steer incoming connections to a local proxy socket without rewriting the packet.
//
// A transparent proxy listens on one port but must receive connections made to many
// addresses and ports. At tc ingress the program looks up the proxy's listening socket and
// assigns it to the packet; the stack then delivers the packet to that socket as if it had
// been addressed to it, with the original destination intact (the proxy sets IP_TRANSPARENT).
// Existing connections are left alone. The lookup's reference must be released after the
// assignment. In the test run no proxy is listening, so the packet passes untouched.
//
// bpfspec: run retval=0
// bpfspec: expect-map steered[1] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* The proxy's listening address in network order, set by user space before loading. */
const volatile __u32 proxy_addr = __bpf_constant_htonl(0x7f000001); /* 127.0.0.1 */
const volatile __u16 proxy_port = __bpf_constant_htons(8080);

/* 0: packets assigned to the proxy, 1: no proxy listening, 2: assignment refused,
 * 3: segment of an existing connection. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} steered SEC(".maps");

static void count(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&steered, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("tc")
int to_proxy(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct tcphdr *tcp = (void *)(ip + 1);
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	long err;

	if ((void *)(tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_TCP)
		return TC_ACT_OK;

	/* A segment of an existing connection is left to that connection's socket. */
	tuple.ipv4.saddr = ip->saddr;
	tuple.ipv4.daddr = ip->daddr;
	tuple.ipv4.sport = tcp->source;
	tuple.ipv4.dport = tcp->dest;
	sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (sk) {
		int established = sk->state != BPF_TCP_LISTEN;

		bpf_sk_release(sk);
		if (established) {
			count(3); /* the stack will find it by itself */
			return TC_ACT_OK;
		}
	}

	/* Otherwise hand new connections to the proxy's listener. */
	tuple.ipv4.daddr = proxy_addr;
	tuple.ipv4.dport = proxy_port;
	sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk) {
		count(1);
		return TC_ACT_OK;
	}
	if (sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		count(1);
		return TC_ACT_OK;
	}
	err = bpf_sk_assign(skb, sk, 0);
	bpf_sk_release(sk);
	count(err ? 2 : 0);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
