// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sk_storage_delete: forget a socket's local storage early, before the socket closes.
//
// A socket may need state only for a phase of its life, for example the first packets of
// a connection while it is being classified. Once the verdict is known, deleting the
// storage returns the memory at once instead of when the socket closes. The program marks
// a socket on its first packet, deletes the mark, and records what delete returned:
// 0 when an entry was removed, -ENOENT when the socket had none.
//
// bpfspec: run retval=1
// bpfspec: expect-map results[0] == 0
// bpfspec: expect-map results[1] == 2
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32); /* packets seen while classifying */
} classifying SEC(".maps");

/* 0: first delete's result, 1: minus the second one's (ENOENT = 2). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __s64);
	__uint(max_entries, 2);
} results SEC(".maps");

SEC("cgroup_skb/egress")
int classify_once(struct __sk_buff *skb)
{
	__u32 k0 = 0, k1 = 1;
	__s64 *first = bpf_map_lookup_elem(&results, &k0);
	__s64 *second = bpf_map_lookup_elem(&results, &k1);
	struct bpf_sock *sk = skb->sk;
	__u32 *seen;

	if (!sk || !first || !second)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1;
	seen = bpf_sk_storage_get(&classifying, sk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
	if (!seen)
		return 1;
	*seen += 1;

	/* Classified: the state is no longer needed. */
	*first = bpf_sk_storage_delete(&classifying, sk);
	*second = -bpf_sk_storage_delete(&classifying, sk);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
