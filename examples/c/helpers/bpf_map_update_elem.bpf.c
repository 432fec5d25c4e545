// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_map_update_elem: remember the size of the last packet seen from each IPv4 source.
//
// A hash map grows as new sources appear. BPF_ANY inserts or overwrites;
// BPF_NOEXIST would fail with -EEXIST for a known key, BPF_EXIST with -ENOENT
// for a new one. The key and value are copied, so stack variables are fine.
// A second map keyed by protocol records whether the update worked.
//
// bpfspec: run retval=2
// bpfspec: expect-map updates_ok[6] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);   /* IPv4 source address, network order */
	__type(value, __u32); /* frame length */
} last_len SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32); /* IP protocol */
	__type(value, __u64);
} updates_ok SEC(".maps");

SEC("xdp")
int remember_len(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	__u32 src = iph->saddr;
	__u32 len = data_end - data;
	/* Fails with -E2BIG once the map is full: a hash map never evicts. */
	if (bpf_map_update_elem(&last_len, &src, &len, BPF_ANY) == 0) {
		__u32 proto = iph->protocol;
		__u64 *ok = bpf_map_lookup_elem(&updates_ok, &proto);
		if (ok)
			__sync_fetch_and_add(ok, 1);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
