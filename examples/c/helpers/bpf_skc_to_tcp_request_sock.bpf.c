// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skc_to_tcp_request_sock: find segments that belong to half-open connections.
//
// Between the SYN-ACK and the final ACK of the handshake, the kernel tracks a connection
// with a small request socket instead of a full one. After bpf_skc_lookup_tcp finds the
// socket for an incoming segment, this helper returns it as a tcp_request_sock when it is
// one of those, NULL otherwise. The program counts handshake completions it sees at tc
// ingress; a high count of request sockets that never complete points at a SYN flood.
// The lookup's reference must be released. The test run has no socket to find.
//
// bpfspec: run retval=0
// bpfspec: expect-map found[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct tcp_request_sock {
	__u32 rcv_isn;
} __attribute__((preserve_access_index));

/* 0: no socket, 1: other socket, 2: segment for a request socket, 3: last peer ISN seen. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} found SEC(".maps");

static void count(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&found, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("tc")
int handshake_acks(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct tcphdr *tcp = (void *)(ip + 1);
	struct bpf_sock_tuple tuple = {};
	struct tcp_request_sock *req;
	struct bpf_sock *sk;
	__u32 kisn = 3;
	__u64 *isn;

	if ((void *)(tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_TCP)
		return TC_ACT_OK;
	tuple.ipv4.saddr = ip->saddr;
	tuple.ipv4.daddr = ip->daddr;
	tuple.ipv4.sport = tcp->source;
	tuple.ipv4.dport = tcp->dest;

	sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk) {
		count(0);
		return TC_ACT_OK;
	}
	req = bpf_skc_to_tcp_request_sock(sk);
	if (req) {
		count(2);
		isn = bpf_map_lookup_elem(&found, &kisn);
		if (isn)
			*isn = req->rcv_isn;
	} else {
		count(1);
	}
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
