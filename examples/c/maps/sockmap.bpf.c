// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_SOCKMAP: splice TCP connections together in the kernel, by slot index.
//
// A sock_ops program adds every established connection to the map with
// bpf_sock_map_update(); a stream verdict program, attached to the map itself
// (BPF_SK_SKB_STREAM_VERDICT), then sends each received message straight to another socket
// of the map with bpf_sk_redirect_map(), without a trip through user space. User space
// attaches both programs (to a cgroup and to the map) and may also insert socket fds
// directly. Neither program type can be test-run, so this example is only loaded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__type(key, __u32);
	__type(value, __u64); /* a socket fd from user space; a socket cookie when read back */
	__uint(max_entries, 2);
} pair SEC(".maps");

SEC("sockops")
int add_established(struct bpf_sock_ops *skops)
{
	/* The local port decides the slot: 0 for the server side of port 8000, 1 otherwise. */
	__u32 slot = skops->local_port == 8000 ? 0 : 1;

	switch (skops->op) {
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
		bpf_sock_map_update(skops, &pair, &slot, BPF_ANY);
		break;
	}
	return 1;
}

SEC("sk_skb/stream_verdict")
int send_to_peer(struct __sk_buff *skb)
{
	/* Whatever arrives on one socket leaves on the other one. */
	__u32 peer = skb->local_port == 8000 ? 1 : 0;

	return bpf_sk_redirect_map(skb, &pair, peer, 0);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
