// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sk_release: give back a socket reference on every path, including early exits.
//
// Each successful lookup (bpf_sk_lookup_tcp/udp, bpf_skc_lookup_tcp) hands out
// a reference the verifier tracks; a path that reaches exit while still
// holding it makes the load fail. This cgroup_skb ingress program looks up
// the TCP socket of each packet and counts it by state, releasing the
// reference before any return. The test packet has no socket and is allowed.
//
// bpfspec: run retval=1
// bpfspec: expect-map by_state[0] == 1
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef ETH_P_IP
#define ETH_P_IP 0x0800
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16); /* 0: no socket, else the TCP state (BPF_TCP_*) */
} by_state SEC(".maps");

SEC("cgroup_skb/ingress")
int count_by_state(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct tcphdr tcp;

	/* cgroup_skb data starts at the network header */
	if (skb->protocol != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) ||
	    ip.protocol != IPPROTO_TCP || bpf_skb_load_bytes(skb, ip.ihl * 4, &tcp, sizeof(tcp)))
		return 1;

	struct bpf_sock_tuple t = {};
	t.ipv4.saddr = ip.saddr;
	t.ipv4.daddr = ip.daddr;
	t.ipv4.sport = tcp.source;
	t.ipv4.dport = tcp.dest;

	__u32 key = 0;
	struct bpf_sock *sk = bpf_sk_lookup_tcp(skb, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (sk) {
		key = sk->state;
		bpf_sk_release(sk); /* done with the socket: release before any further branch */
		if (key >= 16)
			return 1;
	}

	__u64 *n = bpf_map_lookup_elem(&by_state, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
