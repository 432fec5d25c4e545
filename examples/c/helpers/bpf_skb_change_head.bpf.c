// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_change_head: give IP packets from an L3 device an Ethernet header before forwarding them.
//
// On an L3 device (ipip, WireGuard, tun) a packet begins at its IP header. To
// send it out of an Ethernet device, the program grows the front by 14 bytes,
// writes a MAC header over the new (zeroed) bytes and redirects. Flags must
// be 0; packet pointers are invalid after it.
// MACs and `out_ifindex` are read-only data for the loader (placeholders
// here; 1 is the loopback device). Slot 0 gets the new length.
//
// bpfspec: run retval=7
// bpfspec: expect-map new_len[0] == 78
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u32 out_ifindex = 1;
const volatile __u8 gw_mac[ETH_ALEN] = {0x02, 0, 0, 0, 0, 0xfe};
const volatile __u8 our_mac[ETH_ALEN] = {0x02, 0, 0, 0, 0, 0x01};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} new_len SEC(".maps");

SEC("tc")
int l3_to_l2(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;

	struct ethhdr eth = {.h_proto = bpf_htons(ETH_P_IP)};
	__builtin_memcpy(eth.h_dest, (const void *)gw_mac, ETH_ALEN);
	__builtin_memcpy(eth.h_source, (const void *)our_mac, ETH_ALEN);

	if (bpf_skb_change_head(skb, sizeof(eth), 0) || bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0))
		return TC_ACT_SHOT;

	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&new_len, &key);
	if (slot)
		*slot = skb->len;
	return bpf_redirect(out_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
