// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_vlan_push: tag untagged frames with VLAN 100 on their way out.
//
// The tag usually goes into the packet's metadata (hardware offload) rather
// than the bytes; read it back from skb->vlan_present and skb->vlan_tci. The
// protocol is ETH_P_8021Q or ETH_P_8021AD in network order (any other value
// is quietly taken as 802.1Q, so a missing bpf_htons goes unnoticed). After
// the call, packet pointers must be reloaded. The VLAN id seen after the push
// lands in slot 0.
//
// bpfspec: run retval=0
// bpfspec: expect-map tag_seen[0] == 100
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define VLAN_ID 100

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} tag_seen SEC(".maps");

SEC("tc")
int tag_egress(struct __sk_buff *skb)
{
	if (skb->vlan_present)
		return TC_ACT_OK; /* already tagged */
	if (bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), VLAN_ID))
		return TC_ACT_SHOT;

	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&tag_seen, &key);
	if (slot && skb->vlan_present)
		*slot = skb->vlan_tci & 0x0fff;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
