// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sk_fullsock: turn skb->sk into a socket whose full set of fields may be read.
//
// skb->sk may be a request or TIME_WAIT socket, of which only the common
// fields exist; the verifier therefore allows fields such as mark, priority
// or type only on the pointer this helper returns, after a NULL check. The
// cgroup_skb egress program counts packets per socket address family.
//
// bpfspec: run retval=1
// bpfspec: expect-map by_family[2] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16); /* AF_INET is 2, AF_INET6 is 10 */
} by_family SEC(".maps");

SEC("cgroup_skb/egress")
int count_families(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1; /* request or TIME_WAIT socket */

	__u32 key = sk->family;
	if (key >= 16)
		return 1;
	__u64 *n = bpf_map_lookup_elem(&by_family, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
