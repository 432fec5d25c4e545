// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_SOCKHASH: short-circuit local TCP traffic by connection 4-tuple.
//
// Like BPF_MAP_TYPE_SOCKMAP but keyed by any value, here the connection's addresses and
// ports. A sock_ops program inserts each established connection under its own 4-tuple with
// bpf_sock_hash_update(); an sk_msg program looks up the peer by the reversed 4-tuple and
// moves every message written by one side straight into the other side's receive queue with
// bpf_msg_redirect_hash(). User space attaches the first program to a cgroup
// (BPF_CGROUP_SOCK_OPS) and the second to the map (BPF_SK_MSG_VERDICT), and can list the
// connections by iterating the keys. Neither program type can be test-run, so the example
// is only loaded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct conn_key {
	__u32 local_ip4;  /* network byte order */
	__u32 remote_ip4; /* network byte order */
	__u32 local_port; /* host byte order */
	__u32 remote_port; /* network byte order in the context; stored as the context gives it */
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__type(key, struct conn_key);
	__type(value, __u64);
	__uint(max_entries, 65536);
} conns SEC(".maps");

SEC("sockops")
int remember_connection(struct bpf_sock_ops *skops)
{
	if (skops->family != 2 /* AF_INET */)
		return 1;
	if (skops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB && skops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
		return 1;

	struct conn_key key = {
		.local_ip4 = skops->local_ip4,
		.remote_ip4 = skops->remote_ip4,
		.local_port = skops->local_port,
		.remote_port = skops->remote_port,
	};
	bpf_sock_hash_update(skops, &conns, &key, BPF_NOEXIST);
	return 1;
}

SEC("sk_msg")
int deliver_locally(struct sk_msg_md *msg)
{
	if (msg->family != 2 /* AF_INET */)
		return SK_PASS;

	/* The peer's key is ours seen from the other end. The port fields differ in byte order
	 * (local_port is host order, remote_port network order), so swap them explicitly. */
	struct conn_key peer = {
		.local_ip4 = msg->remote_ip4,
		.remote_ip4 = msg->local_ip4,
		.local_port = __builtin_bswap32(msg->remote_port),
		.remote_port = __builtin_bswap32(msg->local_port),
	};
	/* BPF_F_INGRESS: into the peer's receive queue, as if it came from the network. */
	return bpf_msg_redirect_hash(msg, &conns, &peer, BPF_F_INGRESS);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
