// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_jiffies64: stamp each XDP packet with the kernel tick counter to find idle flows cheaply.
//
// The program keeps, per IPv4 source address, the jiffies value of the last packet seen.
// A user-space sweeper compares those stamps with its own reading of the clock to expire
// flows that have been quiet for a few seconds. Jiffies are coarse (1-10 ms) but reading
// them costs less than a nanosecond clock, which is all a timeout needs.
//
// bpfspec: run retval=2
// bpfspec: expect-map last_tick[0] > 0
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u32);   /* IPv4 source address, network order */
	__type(value, __u64); /* jiffies of the last packet */
	__uint(max_entries, 4096);
} flows SEC(".maps");

/* Slot 0: the tick of the most recent packet, whatever its source. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} last_tick SEC(".maps");

SEC("xdp")
int stamp_flows(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	__u32 zero = 0;
	__u64 now, *slot;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	now = bpf_jiffies64();
	bpf_map_update_elem(&flows, &ip->saddr, &now, BPF_ANY);
	slot = bpf_map_lookup_elem(&last_tick, &zero);
	if (slot)
		*slot = now;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
