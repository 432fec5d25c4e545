// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_DEVMAP_HASH: forward XDP packets to a device looked up by a sparse key.
//
// The same as BPF_MAP_TYPE_DEVMAP but keyed like a hash, so the key can be the ifindex itself
// (ifindexes are sparse and can be large) without sizing an array to the largest one. User
// space inserts the target devices with BPF_MAP_UPDATE_ELEM. With the key absent,
// bpf_redirect_map() returns the fallback action from its flags, XDP_PASS here.
//
// bpfspec: run retval=2
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__type(key, __u32); /* the ingress ifindex whose peer we forward to */
	__type(value, struct bpf_devmap_val);
	__uint(max_entries, 64);
} peer_of SEC(".maps");

SEC("xdp")
int forward_to_peer(struct xdp_md *ctx)
{
	return bpf_redirect_map(&peer_of, ctx->ingress_ifindex, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
