// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sock_hash_update: put every new local TCP connection into a sockhash, keyed by its 4-tuple.
//
// A sock_ops program sees connections as they are established and adds them
// to a SOCKHASH; sk_msg or sk_skb programs attached to that map can then
// redirect data between them with bpf_msg_redirect_hash / bpf_sk_redirect_hash
// (e.g. to short-cut local proxies). The key layout is the program's own
// choice; lookups elsewhere must build it the same way.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_key {
	__u32 local_ip4;  /* network byte order */
	__u32 remote_ip4; /* network byte order */
	__u32 local_port; /* host byte order */
	__u32 remote_port; /* network byte order, as the kernel exposes it */
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__type(key, struct flow_key);
	__type(value, __u64);
	__uint(max_entries, 65535);
} connections SEC(".maps");

SEC("sockops")
int track_connections(struct bpf_sock_ops *skops)
{
	if (skops->family != 2 /* AF_INET */)
		return 1;
	if (skops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    skops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;

	struct flow_key key = {
		.local_ip4 = skops->local_ip4,
		.remote_ip4 = skops->remote_ip4,
		.local_port = skops->local_port,
		.remote_port = skops->remote_port,
	};
	/* BPF_NOEXIST: keep the first socket for a key; BPF_ANY would replace it */
	bpf_sock_hash_update(skops, &connections, &key, BPF_NOEXIST);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
