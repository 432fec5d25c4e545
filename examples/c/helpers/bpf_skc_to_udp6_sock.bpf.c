// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skc_to_udp6_sock: recognise UDP-over-IPv6 sockets and reach their UDP state.
//
// The helper returns the socket as the kernel's struct udp6_sock when it is a UDP socket
// of the AF_INET6 family, NULL otherwise. The program counts IPv6 UDP datagrams and records
// whether the socket is corked (it has data pending in udp.pending, set by MSG_MORE or
// UDP_CORK), which explains bursty send patterns. The test run's dummy socket is not UDP.
//
// bpfspec: run retval=1
// bpfspec: expect-map seen[1] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct udp_sock {
	int pending;
} __attribute__((preserve_access_index));

struct udp6_sock {
	struct udp_sock udp;
} __attribute__((preserve_access_index));

/* 0: datagrams from IPv6 UDP sockets, 1: packets from other sockets, 2: of 0, sent while corked. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 3);
} seen SEC(".maps");

static void count(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&seen, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("cgroup_skb/egress")
int udp6_traffic(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct udp6_sock *up6;

	if (!sk)
		return 1;
	up6 = bpf_skc_to_udp6_sock(sk);
	if (!up6) {
		count(1);
		return 1;
	}
	count(0);
	if (up6->udp.pending)
		count(2);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
