// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_xdp_get_buff_len: size an XDP packet including fragments that data_end does not cover.
//
// With multi-buffer XDP (jumbo frames, GRO) data_end - data only spans the first
// fragment; this helper returns the whole length, linear part plus frags. A
// per-length-class counter shows a typical use. The 64-byte test packet is linear, so
// the recorded length is exactly 64.
//
// bpfspec: run retval=2
// bpfspec: expect-map last_len[0] == 64
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} last_len SEC(".maps");

/* Packets counted by size class: <=128, <=1514, larger (only possible with frags). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 3);
} size_classes SEC(".maps");

SEC("xdp.frags")
int count_sizes(struct xdp_md *ctx)
{
	__u64 len = bpf_xdp_get_buff_len(ctx);
	__u32 key = 0;
	__u64 *cnt;

	bpf_map_update_elem(&last_len, &key, &len, BPF_ANY);
	key = len <= 128 ? 0 : len <= 1514 ? 1 : 2;
	cnt = bpf_map_lookup_elem(&size_classes, &key);
	if (cnt)
		*cnt += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
