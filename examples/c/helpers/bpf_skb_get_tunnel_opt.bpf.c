// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_get_tunnel_opt: read the options of a received Geneve packet, e.g. a tenant id.
//
// The helper copies the raw options of the packet's tunnel metadata into a
// buffer and returns their length; the buffer must be large enough for all of
// them. Only packets received on a collect-metadata tunnel device have
// metadata; for others (the test packet) it fails, which slot 1 counts.
// Slot 0 counts packets that carried options.
//
// bpfspec: run retval=0
// bpfspec: expect-map seen[1] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

SEC("tc")
int geneve_ingress(struct __sk_buff *skb)
{
	/* Geneve options total at most 252 bytes (a 6-bit count of 4-byte words). */
	__u8 opts[256];
	long len = bpf_skb_get_tunnel_opt(skb, opts, sizeof(opts));

	__u32 key = len > 0 ? 0 : 1;
	__u64 *n = bpf_map_lookup_elem(&seen, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
