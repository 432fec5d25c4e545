// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skc_to_tcp_timewait_sock: notice new connections that land on a socket in TIME-WAIT.
//
// At tc ingress the program looks up the socket an incoming TCP segment belongs to with
// bpf_skc_lookup_tcp. The result is a sock_common that may be a full socket, a request
// socket or a time-wait socket; this helper returns it as a tcp_timewait_sock only in the
// last case. A SYN that hits a TIME-WAIT entry means a client reuses a port quickly, a
// common source of connection failures behind NAT. The lookup takes a reference that must
// be dropped with bpf_sk_release on every path. The test run has no such socket.
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

struct tcp_timewait_sock {
	__u32 tw_rcv_nxt;
} __attribute__((preserve_access_index));

/* 0: no socket, 1: other socket, 2: SYN on a TIME-WAIT socket, 3: other segment on one. */
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
int syn_on_timewait(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct tcphdr *tcp = (void *)(ip + 1);
	struct bpf_sock_tuple tuple = {};
	struct tcp_timewait_sock *tw;
	struct bpf_sock *sk;

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
	tw = bpf_skc_to_tcp_timewait_sock(sk);
	if (!tw)
		count(1);
	else
		count(tcp->syn ? 2 : 3);
	bpf_sk_release(sk); /* the reference is held by sk; tw borrows it */
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
