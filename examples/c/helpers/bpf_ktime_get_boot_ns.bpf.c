// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ktime_get_boot_ns: timestamp events with a clock that keeps counting across suspend.
//
// A tc classifier records, for the last packet it saw, the boot-time clock next to the
// monotonic one. The difference between the two is the time the machine spent suspended,
// which is why events that user space must line up with CLOCK_BOOTTIME (or compare across
// a laptop's sleep) should use the boot clock.
//
// bpfspec: run retval=0
// bpfspec: expect-map stamps[0] > 0
// bpfspec: expect-map stamps[2] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* 0: boot-time ns, 1: monotonic ns, 2: 1 if boot >= monotonic (it always should be). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 3);
} stamps SEC(".maps");

static void store(__u32 key, __u64 val)
{
	__u64 *slot = bpf_map_lookup_elem(&stamps, &key);

	if (slot)
		*slot = val;
}

SEC("tc")
int stamp_boot_time(struct __sk_buff *skb)
{
	__u64 mono = bpf_ktime_get_ns();
	__u64 boot = bpf_ktime_get_boot_ns();

	store(0, boot);
	store(1, mono);
	store(2, boot >= mono);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
