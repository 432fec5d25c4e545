// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_RHASH: count IPv4 packets per source address in a table that grows with it.
//
// Source addresses are sparse: a busy link may see millions, a quiet one a handful. A
// resizable hash only holds memory for the addresses it has seen, so max_entries can be set
// to the worst case without paying for it up front. The XDP program counts like a `hash`
// map would (lookup, add in place, insert with BPF_NOEXIST on a miss); a second, `syscall`
// program run from user space now and then walks the table with bpf_for_each_map_elem and
// drops the addresses seen fewer than `min_packets` times (the walk is best effort while the
// table changes: a rare address missed now goes on the next run). User space reads the
// counts with BPF_MAP_GET_NEXT_KEY and BPF_MAP_LOOKUP_ELEM (`bpftool map dump`). The map
// must be created with BPF_F_NO_PREALLOC, and kernels older than the map type refuse it.
//
// bpfspec: check-only BPF_MAP_TYPE_RHASH is newer than this machine's Linux 6.18, which cannot create the map
// bpfspec: kernel 7.2
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bpfspec_uapi.h"

struct {
	__uint(type, BPF_MAP_TYPE_RHASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);   /* IPv4 source address, as in the packet */
	__type(value, __u64); /* packets */
	__uint(max_entries, 1 << 20);
	__uint(map_extra, 64); /* start with room for 64, grow on demand */
} per_source SEC(".maps");

/* Set by user space before it runs `expire`. */
volatile const __u64 min_packets = 2;

SEC("xdp")
int count_sources(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	__u32 key = ip->saddr;
	__u64 *count = bpf_map_lookup_elem(&per_source, &key);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return XDP_PASS;
	}
	__u64 one = 1;
	if (bpf_map_update_elem(&per_source, &key, &one, BPF_NOEXIST) != 0) {
		/* Another CPU inserted it first, or the map holds max_entries addresses. */
		count = bpf_map_lookup_elem(&per_source, &key);
		if (count)
			__sync_fetch_and_add(count, 1);
	}
	return XDP_PASS;
}

static long drop_if_rare(void *map, __u32 *key, __u64 *count, __u64 *dropped)
{
	if (*count < min_packets && bpf_map_delete_elem(map, key) == 0)
		*dropped += 1;
	return 0; /* go on with the next element */
}

SEC("syscall")
int expire(void *ctx)
{
	__u64 dropped = 0;

	bpf_for_each_map_elem(&per_source, drop_if_rare, &dropped, 0);
	return (int)dropped;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
