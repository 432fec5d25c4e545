// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sock_map_update: put every new TCP connection of a cgroup into a sockmap, keyed by local port.
//
// Once a socket is in a sockmap, sk_skb and sk_msg programs attached to the
// map can redirect its data to other sockets in it (see `bpf_sk_redirect_map`).
// sock_ops is the usual place to add them, when a connection becomes
// established. The key is a slot index; BPF_ANY replaces whatever socket was
// there. Only TCP sockets in a suitable state are accepted, others fail with
// -EOPNOTSUPP. sock_ops programs cannot be test-run, so this one is only loaded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SLOTS 65536

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} sockets SEC(".maps");

SEC("sockops")
int add_established(struct bpf_sock_ops *skops)
{
	switch (skops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB: {
		/* local_port is in host order; one socket per local port in this example. */
		__u32 key = skops->local_port % SLOTS;
		bpf_sock_map_update(skops, &sockets, &key, BPF_ANY);
		break;
	}
	}
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
