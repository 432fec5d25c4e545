// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_change_type: keep mirrored traffic on a monitoring port away from the host's IP stack.
//
// A port that receives a copy of someone else's traffic (a SPAN port) may see
// frames addressed to this host's MAC. At tc ingress the program marks every
// frame PACKET_OTHERHOST, so the IP stack drops it while packet sockets
// (tcpdump, an IDS) still see it. Only PACKET_HOST, PACKET_BROADCAST,
// PACKET_MULTICAST and PACKET_OTHERHOST are accepted, and only on packets
// whose type is one of those already. The type read back lands in slot 0.
//
// bpfspec: run retval=0
// bpfspec: expect-map pkt_type[0] == 3
#include <linux/bpf.h>
#include <linux/if_packet.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pkt_type SEC(".maps");

SEC("tc")
int monitor_only(struct __sk_buff *skb)
{
	if (skb->pkt_type != PACKET_OTHERHOST && bpf_skb_change_type(skb, PACKET_OTHERHOST))
		return TC_ACT_OK; /* a type the helper may not change, e.g. PACKET_LOOPBACK */

	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&pkt_type, &key);
	if (slot)
		*slot = skb->pkt_type;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
