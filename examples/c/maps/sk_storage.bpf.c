// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_SK_STORAGE: per-socket packet counts that live and die with the socket.
//
// The value hangs off the socket itself: bpf_sk_storage_get() with
// BPF_SK_STORAGE_GET_F_CREATE returns it, creating a zeroed one on first use, and the kernel
// frees it when the socket is closed, so nothing has to be cleaned up. The map must be
// created with BPF_F_NO_PREALLOC. User space reads a socket's value with the socket's fd as
// the key. Here a cgroup_skb program counts egress packets per socket.
//
// bpfspec: run retval=1
// bpfspec: expect-map missing[0] == 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sock_stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__type(key, int); /* a socket fd, from user space */
	__type(value, struct sock_stats);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sock_stats SEC(".maps");

/* Packets for which no storage could be had (no socket, or out of memory). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} missing SEC(".maps");

SEC("cgroup_skb/egress")
int count_per_socket(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct sock_stats *st = NULL;

	/* The helper wants a full socket; skb->sk may be a request or timewait socket. */
	if (sk)
		sk = bpf_sk_fullsock(sk);
	if (sk)
		st = bpf_sk_storage_get(&sock_stats, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (st) {
		__sync_fetch_and_add(&st->packets, 1);
		__sync_fetch_and_add(&st->bytes, skb->len);
	} else {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(&missing, &zero);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
