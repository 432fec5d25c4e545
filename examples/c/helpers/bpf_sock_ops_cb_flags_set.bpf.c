// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sock_ops_cb_flags_set: ask for RTO and retransmit callbacks on established connections.
//
// By default a sock_ops program hears only about connection setup. Once the
// connection is established it can subscribe that socket to more events
// (BPF_SOCK_OPS_RTO_CB_FLAG, _RETRANS_CB_FLAG, _STATE_CB_FLAG, ...) and then
// count them. The flags replace the previous set, so keep the old ones from
// skops->bpf_sock_ops_cb_flags. A positive return lists flags this kernel
// does not support.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2); /* 0: timeouts, 1: retransmissions */
} events SEC(".maps");

static void count(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&events, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("sockops")
int watch_losses(struct bpf_sock_ops *skops)
{
	switch (skops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_RTO_CB_FLAG |
							 BPF_SOCK_OPS_RETRANS_CB_FLAG);
		break;
	case BPF_SOCK_OPS_RTO_CB:
		count(0);
		break;
	case BPF_SOCK_OPS_RETRANS_CB:
		count(1);
		break;
	}
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
