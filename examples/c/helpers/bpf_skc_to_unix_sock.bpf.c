// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skc_to_unix_sock: split a sockmap's traffic by socket kind.
//
// The skc_to_* helpers are checked casts: given a socket pointer they return the requested
// protocol's struct, or NULL when the socket is of another kind, so the result must be
// NULL-checked before use. A sockhash can hold TCP and Unix stream sockets side by side;
// this sk_msg program, run on every sendmsg of a socket in the map, counts bytes sent by
// non-Unix sockets (slot 0), unbound Unix sockets (slot 1) and bound ones (slot 2).
//
// The argument must be a pointer the verifier trusts (here the context's own `msg->sk`):
// some 6.18 builds mark a socket reached by walking other pointers (for example
// `bpf_sock_from_file(file)->sk`) as untrusted, and these helpers refuse it. Loaded only:
// sk_msg programs are not test-run.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct unix_address;

struct unix_sock {
	struct unix_address *addr;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} bytes_sent SEC(".maps");

SEC("sk_msg")
int bytes_by_kind(struct sk_msg_md *msg)
{
	struct bpf_sock *sk = msg->sk;
	struct unix_sock *usk;
	__u32 kind = 0;
	__u64 *total;

	if (!sk)
		return SK_PASS;
	usk = bpf_skc_to_unix_sock(sk);
	if (usk)
		kind = usk->addr ? 2 : 1; /* bound to a path or abstract name, or not */
	total = bpf_map_lookup_elem(&bytes_sent, &kind);
	if (total)
		__sync_fetch_and_add(total, msg->size);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
