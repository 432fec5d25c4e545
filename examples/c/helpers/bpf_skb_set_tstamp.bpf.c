// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_set_tstamp: give a packet an earliest departure time on the monotonic clock.
//
// With BPF_SKB_TSTAMP_DELIVERY_MONO the timestamp is marked as a delivery time, which
// the fq qdisc honours on egress: the packet is held until then (pacing). Plain writes
// to skb->tstamp cannot set that marking. The program delays every packet by 1 ms; the
// test reads skb->tstamp back after the call and checks it is non-zero.
//
// bpfspec: run retval=0
// bpfspec: expect-map departure[0] != 0
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define DELAY_NS 1000000ULL

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} departure SEC(".maps");

SEC("tc")
int pace(struct __sk_buff *skb)
{
	__u64 when = bpf_ktime_get_ns() + DELAY_NS;
	__u32 key = 0;
	__u64 now_set;

	if (bpf_skb_set_tstamp(skb, when, BPF_SKB_TSTAMP_DELIVERY_MONO))
		return TC_ACT_OK;
	now_set = skb->tstamp;
	bpf_map_update_elem(&departure, &key, &now_set, BPF_ANY);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
