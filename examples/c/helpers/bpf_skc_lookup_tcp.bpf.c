// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skc_lookup_tcp: find any TCP socket for a flow, including TIME_WAIT and request sockets.
//
// bpf_sk_lookup_tcp only returns full sockets; this variant also returns the
// lightweight ones, as struct bpf_sock with only the common fields readable
// (bpf_sk_fullsock tells whether the rest is there). The reference must be
// released. The tc program counts ingress TCP packets by the state of the
// socket they belong to; the test packet has none (key 0).
//
// bpfspec: run retval=0
// bpfspec: expect-map by_state[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16); /* 0: no socket, else BPF_TCP_* state */
} by_state SEC(".maps");

SEC("tc")
int tcp_state_census(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);

	if ((void *)(tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_TCP || ip->ihl != 5)
		return TC_ACT_OK;

	struct bpf_sock_tuple t = {};
	t.ipv4.saddr = ip->saddr;
	t.ipv4.daddr = ip->daddr;
	t.ipv4.sport = tcp->source;
	t.ipv4.dport = tcp->dest;

	__u32 key = 0;
	struct bpf_sock *sk = bpf_skc_lookup_tcp(skb, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (sk) {
		key = sk->state; /* a sock_common field, readable for every kind of socket */
		bpf_sk_release(sk);
	}
	if (key >= 16)
		return TC_ACT_OK;
	__u64 *n = bpf_map_lookup_elem(&by_state, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
