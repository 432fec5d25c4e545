// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_xdp_adjust_head: insert an 802.1Q VLAN tag in front of the EtherType of each IPv4 frame.
//
// A negative delta grows the frame at the front, into the headroom drivers
// reserve for XDP (usually 256 bytes); a positive one strips bytes. Afterwards every packet
// pointer is stale: reload data and data_end from the context and check bounds
// again, or the verifier rejects the access. The new frame length is recorded.
//
// bpfspec: run retval=2
// bpfspec: expect-map new_len[0] == 68
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define VLAN_ID 100

struct vlan_tag {
	__be16 tpid; /* ETH_P_8021Q */
	__be16 tci;  /* priority and VLAN id */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} new_len SEC(".maps");

SEC("xdp")
int push_vlan(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct vlan_tag)))
		return XDP_PASS; /* no headroom: leave the frame as it was */

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	struct ethhdr *moved = data;
	struct vlan_tag *tag = data + 2 * ETH_ALEN;
	if ((void *)(tag + 1) + sizeof(__be16) > data_end)
		return XDP_DROP;

	/* Move both MAC addresses to the new front; the old EtherType stays after the tag. */
	__builtin_memmove(moved->h_dest, data + sizeof(struct vlan_tag), 2 * ETH_ALEN);
	tag->tpid = bpf_htons(ETH_P_8021Q);
	tag->tci = bpf_htons(VLAN_ID);

	__u32 key = 0;
	__u64 *len = bpf_map_lookup_elem(&new_len, &key);
	if (len)
		*len = data_end - data;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
