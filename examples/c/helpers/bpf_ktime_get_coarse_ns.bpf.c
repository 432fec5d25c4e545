// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ktime_get_coarse_ns: stamp each XDP packet with a cheap, tick-resolution clock.
//
// The coarse clock is read from the last timer tick instead of the clock source, so it is
// much cheaper than bpf_ktime_get_ns but only accurate to a few milliseconds. That is
// enough for "last seen" times in a flow table; here the last arrival time is kept per
// EtherType bucket and the test checks that a non-zero time was recorded.
//
// bpfspec: run retval=2
// bpfspec: expect-map last_seen[0] != 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} last_seen SEC(".maps");

SEC("xdp")
int record_last_seen(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&last_seen, &key);

	if (!slot)
		return XDP_PASS;
	*slot = bpf_ktime_get_coarse_ns();
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
