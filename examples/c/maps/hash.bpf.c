// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_HASH: count IPv4 packets per IP protocol number in an XDP program.
//
// The first packet of a protocol inserts its key with BPF_NOEXIST; later packets find the
// entry and add to it in place through the pointer the lookup returns. When two CPUs race to
// insert the same key, the loser's update fails with EEXIST and it retries the lookup. User
// space walks the table with BPF_MAP_GET_NEXT_KEY or the batch commands (`bpftool map dump`)
// and may delete keys it has read.
//
// bpfspec: run retval=2
// bpfspec: expect-map per_protocol[6] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);   /* IPPROTO_* */
	__type(value, __u64); /* packets */
	__uint(max_entries, 256);
} per_protocol SEC(".maps");

SEC("xdp")
int count_protocols(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	__u32 key = ip->protocol;
	__u64 *count = bpf_map_lookup_elem(&per_protocol, &key);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return XDP_PASS;
	}
	__u64 one = 1;
	if (bpf_map_update_elem(&per_protocol, &key, &one, BPF_NOEXIST) != 0) {
		/* Another CPU inserted it first (or the table is full). */
		count = bpf_map_lookup_elem(&per_protocol, &key);
		if (count)
			__sync_fetch_and_add(count, 1);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
