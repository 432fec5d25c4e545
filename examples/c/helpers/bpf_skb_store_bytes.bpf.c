// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_store_bytes: rewrite the destination MAC address of IPv4 frames in a tc program.
//
// The helper copies a buffer into the packet at an offset and works even where
// the packet is not linear, unlike a direct write. After it, every pointer
// taken from skb->data is invalid. Fields covered by a checksum need
// BPF_F_RECOMPUTE_CSUM or a checksum helper; a MAC address has none. The new
// address is read-only data a loader may set; slot 0 counts rewritten frames.
//
// bpfspec: run retval=0
// bpfspec: expect-map rewritten[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u8 new_dest[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rewritten SEC(".maps");

SEC("tc")
int set_dest_mac(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;

	__u8 mac[ETH_ALEN];
	__builtin_memcpy(mac, (const void *)new_dest, ETH_ALEN);
	if (bpf_skb_store_bytes(skb, offsetof(struct ethhdr, h_dest), mac, ETH_ALEN, 0))
		return TC_ACT_SHOT;

	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&rewritten, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
