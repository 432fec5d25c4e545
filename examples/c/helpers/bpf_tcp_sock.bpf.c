// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_tcp_sock: read TCP state (cwnd, RTT, retransmissions) of the socket sending a packet.
//
// The helper returns NULL unless the socket is a full TCP socket, so the same
// program can sit on all egress traffic of a cgroup. It keeps the smoothed
// RTT of the last TCP packet and counts packets from sockets that are not
// TCP; the dummy socket of a test run is one of those.
//
// bpfspec: run retval=1
// bpfspec: expect-map tcp_info[1] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 3); /* 0: last srtt (us), 1: non-TCP packets, 2: total retransmits seen */
} tcp_info SEC(".maps");

SEC("cgroup_skb/egress")
int watch_rtt(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	if (!sk)
		return 1;

	struct bpf_tcp_sock *tp = bpf_tcp_sock(sk);
	if (!tp) {
		__u32 key = 1;
		__u64 *n = bpf_map_lookup_elem(&tcp_info, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
		return 1;
	}

	__u32 k_rtt = 0, k_retrans = 2;
	__u64 srtt = tp->srtt_us >> 3; /* the kernel keeps srtt scaled by 8 */
	__u64 retrans = tp->total_retrans;
	bpf_map_update_elem(&tcp_info, &k_rtt, &srtt, BPF_ANY);
	bpf_map_update_elem(&tcp_info, &k_retrans, &retrans, BPF_ANY);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
