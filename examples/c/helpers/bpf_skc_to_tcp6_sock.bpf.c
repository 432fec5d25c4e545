// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skc_to_tcp6_sock: pick out TCP-over-IPv6 sockets and read their TCP state.
//
// The helper returns the socket as the kernel's struct tcp6_sock when it is a TCP socket
// of the AF_INET6 family, and NULL otherwise (including IPv4 TCP sockets). A tcp6_sock
// starts with the tcp_sock, so the same TCP fields are reachable through it. The program
// counts IPv6 TCP traffic and notes its congestion window. The test run's dummy socket is
// neither, so it is counted as "other".
//
// bpfspec: run retval=1
// bpfspec: expect-map seen[1] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct tcp_sock {
	__u32 snd_cwnd;
} __attribute__((preserve_access_index));

struct tcp6_sock {
	struct tcp_sock tcp;
} __attribute__((preserve_access_index));

/* 0: packets from IPv6 TCP sockets, 1: from others, 2: last congestion window (segments). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 3);
} seen SEC(".maps");

SEC("cgroup_skb/egress")
int tcp6_cwnd(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct tcp6_sock *tp6;
	__u32 k = 1, kcwnd = 2;
	__u64 *n, *cwnd;

	if (!sk)
		return 1;
	tp6 = bpf_skc_to_tcp6_sock(sk);
	if (tp6) {
		k = 0;
		cwnd = bpf_map_lookup_elem(&seen, &kcwnd);
		if (cwnd)
			*cwnd = tp6->tcp.snd_cwnd;
	}
	n = bpf_map_lookup_elem(&seen, &k);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
