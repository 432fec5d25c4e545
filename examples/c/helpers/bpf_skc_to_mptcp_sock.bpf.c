// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skc_to_mptcp_sock: count the egress traffic of a cgroup that travels over Multipath TCP.
//
// Given the socket of a TCP subflow, the helper returns the MPTCP connection socket it
// belongs to; for plain TCP sockets (and kernels without CONFIG_MPTCP) it returns NULL.
// Its argument must be a socket pointer the verifier tracks as such (skb->sk, a
// sock_ops ctx->sk), not a BTF pointer from a tracing context. The test run's packet
// belongs to a plain socket, so it counts as non-MPTCP and is allowed (1).
//
// bpfspec: run retval=1
// bpfspec: expect-map by_kind[0] == 1
// bpfspec: expect-map by_kind[1] == 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct mptcp_sock {
	__u32 token;
} __attribute__((preserve_access_index));

/* by_kind[0] = packets of plain sockets, [1] = packets of MPTCP subflows. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} by_kind SEC(".maps");

SEC("cgroup_skb/egress")
int count_mptcp(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct mptcp_sock *msk;
	__u32 key;
	__u64 *cnt;

	if (!sk)
		return 1;
	msk = bpf_skc_to_mptcp_sock(sk);
	key = msk ? 1 : 0;
	cnt = bpf_map_lookup_elem(&by_kind, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	return 1; /* cgroup_skb: 1 lets the packet through */
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
