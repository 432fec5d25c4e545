// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_csum_update: clear the IPv6 flow label at tc ingress and keep skb->csum in step.
//
// When a NIC hands over a checksum of the whole packet (CHECKSUM_COMPLETE),
// every byte changed through direct packet access must be accounted for in
// skb->csum, or the stack later sees a mismatch. Most header fields sit under
// a checksum that compensates, but the IPv6 flow label does not, so the change
// goes in with this helper (the store and replace helpers do it themselves).
// For packets without a complete checksum it fails with -ENOTSUPP and there is
// nothing to fix. Slot 0 counts cleared labels, slot 1 other packets (the IPv4
// test packet is one).
//
// bpfspec: run retval=0
// bpfspec: expect-map labels[1] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} labels SEC(".maps");

static void bump(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&labels, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("tc")
int clear_flow_label(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	__be32 *first_word = (void *)(eth + 1); /* version, traffic class, flow label */

	if ((void *)(first_word + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6)) {
		bump(1);
		return TC_ACT_OK;
	}

	__be32 old_word = *first_word;
	__be32 new_word = old_word & bpf_htonl(0xfff00000);
	if (new_word == old_word)
		return TC_ACT_OK;
	*first_word = new_word;

	/* -ENOTSUPP unless CHECKSUM_COMPLETE: then skb->csum does not cover the bytes. */
	bpf_csum_update(skb, bpf_csum_diff(&old_word, 4, &new_word, 4, 0));
	bump(0);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
