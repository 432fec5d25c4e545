// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ktime_get_ns: stamp each packet's arrival and measure the gap to the previous one.
//
// The clock is CLOCK_MONOTONIC in nanoseconds, so user space can compare the
// stored stamp with clock_gettime(CLOCK_MONOTONIC). Slot 0 holds the last
// arrival time, slot 1 the gap between the last two packets (0 after the first).
//
// bpfspec: run retval=2
// bpfspec: expect-map stamps[0] != 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} stamps SEC(".maps");

SEC("xdp")
int stamp_arrival(struct xdp_md *ctx)
{
	__u32 last_key = 0, gap_key = 1;
	__u64 now = bpf_ktime_get_ns();

	__u64 *last = bpf_map_lookup_elem(&stamps, &last_key);
	__u64 *gap = bpf_map_lookup_elem(&stamps, &gap_key);
	if (!last || !gap)
		return XDP_PASS;

	/* Not atomic: with several CPUs the gap is approximate, which is fine for a sample. */
	if (*last)
		*gap = now - *last;
	*last = now;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
