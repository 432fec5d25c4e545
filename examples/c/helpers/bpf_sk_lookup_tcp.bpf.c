// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sk_lookup_tcp: on tc ingress, ask whether a local TCP socket will take this packet.
//
// The tuple is built from the packet's IPv4 and TCP headers; BPF_F_CURRENT_NETNS
// searches the namespace of the device. A hit gives a referenced struct
// bpf_sock that must be released with bpf_sk_release on every path, or the
// verifier refuses the program. Hits are counted per local port, misses in
// one counter (nothing listens on 10.0.0.2:80 during a test run).
//
// bpfspec: run retval=0
// bpfspec: expect-map misses[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32); /* local port */
	__type(value, __u64);
	__uint(max_entries, 1024);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} misses SEC(".maps");

SEC("tc")
int find_tcp_socket(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);

	/* fixed-size IPv4 header assumed for brevity: options make ihl > 5 */
	if ((void *)(tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_TCP || ip->ihl != 5)
		return TC_ACT_OK;

	struct bpf_sock_tuple t = {};
	t.ipv4.saddr = ip->saddr;
	t.ipv4.daddr = ip->daddr;
	t.ipv4.sport = tcp->source;
	t.ipv4.dport = tcp->dest;

	struct bpf_sock *sk = bpf_sk_lookup_tcp(skb, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk) {
		__u32 key = 0;
		__u64 *n = bpf_map_lookup_elem(&misses, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
		return TC_ACT_OK;
	}

	__u32 port = sk->src_port; /* host byte order in struct bpf_sock */
	bpf_sk_release(sk);

	__u64 one = 1, *n = bpf_map_lookup_elem(&hits, &port);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&hits, &port, &one, BPF_NOEXIST);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
