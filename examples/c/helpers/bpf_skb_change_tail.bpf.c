// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_change_tail: append a 4-byte sequence-number trailer to frames sent to a capture port.
//
// Packet brokers mark copies with a trailer so the analyser can spot loss.
// The helper sets the packet's new total length: larger grows the tail,
// smaller trims it. Flags must be 0. Packet pointers are invalid afterwards; the
// trailer is then written with `bpf_skb_store_bytes` at the old length. The
// frame length after the change lands in slot 0.
//
// bpfspec: run retval=0
// bpfspec: expect-map trailer_len[0] == 68
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32); /* 0: length after the change, 1: sequence counter */
	__type(value, __u64);
} trailer_len SEC(".maps");

SEC("tc")
int add_trailer(struct __sk_buff *skb)
{
	__u32 len_key = 0, seq_key = 1;
	__u64 *len_slot = bpf_map_lookup_elem(&trailer_len, &len_key);
	__u64 *seq = bpf_map_lookup_elem(&trailer_len, &seq_key);
	if (!len_slot || !seq)
		return TC_ACT_OK;

	__u32 old_len = skb->len;
	__be32 trailer = bpf_htonl(__sync_fetch_and_add(seq, 1));
	if (bpf_skb_change_tail(skb, old_len + sizeof(trailer), 0))
		return TC_ACT_OK; /* send it untagged rather than not at all */
	if (bpf_skb_store_bytes(skb, old_len, &trailer, sizeof(trailer), 0))
		return TC_ACT_SHOT;

	*len_slot = skb->len;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
