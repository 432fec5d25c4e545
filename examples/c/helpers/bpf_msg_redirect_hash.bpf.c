// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_msg_redirect_hash: short-cut a local connection by handing its data to the peer socket.
//
// For two sockets of the same host talking over loopback, both ends are in a
// SOCKHASH keyed by 4-tuple (see bpf_sock_hash_update). On sendmsg the program
// builds the key of the peer (the tuple seen from the other side) and moves the
// data directly into the peer's receive queue with BPF_F_INGRESS. If the peer
// is not in the map the helper returns SK_DROP, so check first when the fallback
// should be the normal path.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct flow_key {
	__u32 local_ip4;
	__u32 remote_ip4;
	__u32 local_port; /* host byte order */
	__u32 remote_port; /* network byte order */
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__type(key, struct flow_key);
	__type(value, __u64);
	__uint(max_entries, 65535);
} connections SEC(".maps");

SEC("sk_msg")
int loopback_shortcut(struct sk_msg_md *msg)
{
	if (msg->family != 2 /* AF_INET */)
		return SK_PASS;

	/* the peer's local end is our remote end */
	struct flow_key peer = {
		.local_ip4 = msg->remote_ip4,
		.remote_ip4 = msg->local_ip4,
		.local_port = bpf_ntohl(msg->remote_port),
		.remote_port = bpf_htonl(msg->local_port),
	};
	return bpf_msg_redirect_hash(msg, &connections, &peer, BPF_F_INGRESS);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
