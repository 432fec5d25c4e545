// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_getsockopt: read a new connection's congestion control and MSS from sock_ops.
//
// When a TCP connection becomes established the sock_ops program asks for
// TCP_CONGESTION (a name, up to 16 bytes) and TCP_MAXSEG, like getsockopt(2)
// on the socket would, and keeps a count of connections per algorithm name.
// Only a subset of levels and options is accepted, and the option buffer
// must be a stack or map area of constant size.
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>

#define SOL_TCP IPPROTO_TCP

struct cc_name {
	char name[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct cc_name);
	__type(value, __u64);
	__uint(max_entries, 16);
} per_algorithm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} last_mss SEC(".maps");

SEC("sockops")
int established_info(struct bpf_sock_ops *skops)
{
	if (skops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    skops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;

	struct cc_name cc = {};
	if (bpf_getsockopt(skops, SOL_TCP, TCP_CONGESTION, cc.name, sizeof(cc.name)) == 0) {
		__u64 one = 1, *n = bpf_map_lookup_elem(&per_algorithm, &cc);
		if (n)
			__sync_fetch_and_add(n, 1);
		else
			bpf_map_update_elem(&per_algorithm, &cc, &one, BPF_NOEXIST);
	}

	int mss = 0;
	if (bpf_getsockopt(skops, SOL_TCP, TCP_MAXSEG, &mss, sizeof(mss)) == 0) {
		__u32 key = 0;
		__u64 v = mss;
		bpf_map_update_elem(&last_mss, &key, &v, BPF_ANY);
	}
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
