// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ktime_get_tai_ns: take a TAI timestamp in tc, the clock that time-based transmit uses.
//
// TAI is the clock that PTP-synchronised NICs and the taprio/etf qdiscs run on, so a
// program that stamps or schedules packets for them should read TAI rather than
// CLOCK_MONOTONIC. TAI is wall-clock based, so the value is far from zero; the test
// checks that the stored stamp is later than 2020-01-01 (1577836800 s since the epoch).
//
// bpfspec: run retval=0
// bpfspec: expect-map tai_stamp[0] > 1577836800000000000
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} tai_stamp SEC(".maps");

SEC("tc")
int stamp_tai(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&tai_stamp, &key);

	if (slot)
		*slot = bpf_ktime_get_tai_ns();
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
