// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_csum_level: ask how many checksums the device already validated before trusting a packet.
//
// When a NIC validates checksums it marks the packet CHECKSUM_UNNECESSARY together with a
// level: how many headers (outer, then inner after tunnels) were covered. A tc program that
// strips an encapsulation header must lower that level with BPF_CSUM_LEVEL_DEC, or the stack
// would believe an unchecked inner checksum. Here the program only queries the level and
// counts packets by the answer; packets without a validated checksum (such as the test
// run's) make the query return -EACCES.
//
// bpfspec: run retval=0
// bpfspec: expect-map levels[4] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define EACCES 13

/* Keys 0-3: packets whose validated checksum level was 0-3, 4: not validated at all. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 5);
} levels SEC(".maps");

SEC("tc")
int count_csum_levels(struct __sk_buff *skb)
{
	long level = bpf_csum_level(skb, BPF_CSUM_LEVEL_QUERY);
	__u32 key;
	__u64 *n;

	if (level == -EACCES)
		key = 4;
	else if (level >= 0 && level <= 3)
		key = level;
	else
		return TC_ACT_OK;
	n = bpf_map_lookup_elem(&levels, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
