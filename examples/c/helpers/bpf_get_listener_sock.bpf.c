// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_listener_sock: from a packet's socket, get the listening socket it was accepted on.
//
// For a request socket (a handshake in progress) or an accepted connection the
// helper returns the listener, which lets a program account traffic per
// service port however many connections exist. The result needs no release.
// A socket that is neither gives NULL, as the dummy socket of a test run does.
//
// bpfspec: run retval=1
// bpfspec: expect-map per_listener[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 65536); /* indexed by listening port; 0 counts the others */
} per_listener SEC(".maps");

SEC("cgroup_skb/ingress")
int per_service(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	__u32 port = 0;

	if (sk) {
		struct bpf_sock *listener = bpf_get_listener_sock(sk);
		if (listener)
			port = listener->src_port;
	}
	__u64 *n = bpf_map_lookup_elem(&per_listener, &port);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
