// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sk_storage_get: keep per-socket counters that live exactly as long as the socket.
//
// A cgroup egress program counts bytes and packets per socket in a BPF_MAP_TYPE_SK_STORAGE
// map. The storage is created on first use (BPF_SK_STORAGE_GET_F_CREATE) and freed by the
// kernel when the socket closes, so there is no hash keyed by a 5-tuple to expire. User space
// reads one socket's entry by looking it up with that socket's file descriptor. The helper
// works only on full sockets, hence the bpf_sk_fullsock step.
//
// bpfspec: run retval=1
// bpfspec: expect-map last_packets[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sock_stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* required for local-storage maps */
	__type(key, int);                     /* a socket fd, from user space */
	__type(value, struct sock_stats);
} sock_stats SEC(".maps");

/* Slot 0: the packet count of the socket that sent the last packet. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} last_packets SEC(".maps");

SEC("cgroup_skb/egress")
int count_per_socket(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct sock_stats *st;
	__u32 zero = 0;
	__u64 *out;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1; /* request and time-wait sockets carry no storage */

	st = bpf_sk_storage_get(&sock_stats, sk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
	if (!st)
		return 1; /* out of memory, or the socket is being destroyed */
	__sync_fetch_and_add(&st->packets, 1);
	__sync_fetch_and_add(&st->bytes, skb->len);

	out = bpf_map_lookup_elem(&last_packets, &zero);
	if (out)
		*out = st->packets;
	return 1; /* 1 lets the packet through */
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
