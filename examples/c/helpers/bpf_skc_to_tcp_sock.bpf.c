// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skc_to_tcp_sock: turn a generic socket pointer into a tcp_sock to read TCP internals.
//
// skb->sk only exposes the fields of struct bpf_sock. When the socket is TCP, this helper
// returns a typed pointer to the kernel's struct tcp_sock (NULL for anything else), whose
// fields the program reads directly, with offsets relocated by CO-RE. The program records
// the smoothed RTT of the sending socket. The test run's packet comes from a dummy socket
// that is not TCP, so it lands in the "other" counter.
//
// bpfspec: run retval=1
// bpfspec: expect-map seen[1] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Our subset of the kernel's struct tcp_sock; CO-RE finds the field in the running kernel. */
struct tcp_sock {
	__u32 srtt_us; /* smoothed RTT, in 1/8 microseconds */
} __attribute__((preserve_access_index));

/* 0: packets from TCP sockets, 1: from other sockets, 2: last srtt in microseconds. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 3);
} seen SEC(".maps");

static void add(__u32 key, __u64 val, int set)
{
	__u64 *slot = bpf_map_lookup_elem(&seen, &key);

	if (!slot)
		return;
	if (set)
		*slot = val;
	else
		__sync_fetch_and_add(slot, val);
}

SEC("cgroup_skb/egress")
int tcp_rtt(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct tcp_sock *tp;

	if (!sk)
		return 1;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp) {
		add(1, 1, 0);
		return 1;
	}
	add(0, 1, 0);
	add(2, tp->srtt_us >> 3, 1);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
