// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sk_ancestor_cgroup_id: apply one egress policy to a whole subtree of cgroups.
//
// A policy for "everything under /tenants/acme" must match sockets created in any nested
// cgroup. Asking for the socket's ancestor at the subtree's depth turns that into a single
// ID comparison. User space sets the level and the subtree's cgroup ID; the defaults (level 0,
// the root cgroup, whose ID is 1) match every socket. A level below the socket's own cgroup
// returns 0, which never matches.
//
// bpfspec: run retval=1
// bpfspec: expect-map matched[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 policy_level = 0;
const volatile __u64 policy_cgroup = 1; /* cgroup v2 ID of the subtree's top */

/* Slot 0: packets from sockets inside the subtree, 1: from sockets outside it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} matched SEC(".maps");

SEC("cgroup_skb/egress")
int subtree_policy(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	__u32 key;
	__u64 *n;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1;
	key = bpf_sk_ancestor_cgroup_id(sk, policy_level) == policy_cgroup ? 0 : 1;
	n = bpf_map_lookup_elem(&matched, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 1; /* count only; returning 0 here would drop the subtree's traffic */
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
