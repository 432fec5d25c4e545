// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_hash_recalc: spread packets over a few queues by their flow hash.
//
// Reading skb->hash can give 0 when nothing has computed the hash yet; this
// helper computes it from the packet's addresses and ports if needed and caches
// it in the packet. The kernel never hands out 0 for a computed hash. The
// program counts packets per bucket and keeps the last hash in slot 0.
//
// bpfspec: run retval=0
// bpfspec: expect-map last_hash[0] != 0
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define BUCKETS 8

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} last_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BUCKETS);
	__type(key, __u32);
	__type(value, __u64);
} per_bucket SEC(".maps");

SEC("tc")
int bucket_by_hash(struct __sk_buff *skb)
{
	__u32 hash = bpf_get_hash_recalc(skb);
	__u32 zero = 0, bucket = hash % BUCKETS;
	__u64 *slot;

	slot = bpf_map_lookup_elem(&last_hash, &zero);
	if (slot)
		*slot = hash;
	slot = bpf_map_lookup_elem(&per_bucket, &bucket);
	if (slot)
		__sync_fetch_and_add(slot, 1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
