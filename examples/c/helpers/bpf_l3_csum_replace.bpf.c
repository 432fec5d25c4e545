// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_l3_csum_replace: lower the IPv4 TTL in tc and patch the header checksum to match.
//
// The program writes the new TTL with `bpf_skb_store_bytes`, then tells
// bpf_l3_csum_replace which 2-byte word changed (old and new value, size 2) so
// it updates the checksum at offset 24 without summing the whole header. The
// TTL read back from the packet after the change lands in slot 0.
//
// bpfspec: run retval=0
// bpfspec: expect-map new_ttl[0] == 63
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_OFF ETH_HLEN
#define TTL_OFF (IP_OFF + offsetof(struct iphdr, ttl))
#define CHECK_OFF (IP_OFF + offsetof(struct iphdr, check))

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} new_ttl SEC(".maps");

SEC("tc")
int lower_ttl(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;

	/* TTL and protocol form one 16-bit word of the checksum. */
	__be16 old_word, new_word;
	if (bpf_skb_load_bytes(skb, TTL_OFF, &old_word, sizeof(old_word)))
		return TC_ACT_OK;
	__u8 *ttl = (__u8 *)&new_word;
	new_word = old_word;
	if (ttl[0] <= 1)
		return TC_ACT_SHOT;
	ttl[0]--;

	if (bpf_skb_store_bytes(skb, TTL_OFF, &new_word, sizeof(new_word), 0) ||
	    bpf_l3_csum_replace(skb, CHECK_OFF, old_word, new_word, sizeof(new_word)))
		return TC_ACT_SHOT;

	__u8 after;
	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&new_ttl, &key);
	if (slot && bpf_skb_load_bytes(skb, TTL_OFF, &after, 1) == 0)
		*slot = after;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
