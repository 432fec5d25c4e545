// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_vlan_pop: strip the outer VLAN tag from every frame at ingress.
//
// The helper removes the outermost tag, whether it sits in the packet metadata
// or in the bytes, and succeeds without change on an untagged frame (like the
// test packet). Packet pointers are invalid after it. Slot 0 counts frames
// that leave untagged, slot 1 frames where the pop failed.
//
// bpfspec: run retval=0
// bpfspec: expect-map untagged[0] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} untagged SEC(".maps");

SEC("tc")
int strip_vlan(struct __sk_buff *skb)
{
	__u32 key = bpf_skb_vlan_pop(skb) == 0 && !skb->vlan_present ? 0 : 1;
	__u64 *n = bpf_map_lookup_elem(&untagged, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return key == 0 ? TC_ACT_OK : TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
