// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_map_delete_elem: one-shot passes: a source may send one packet, then its entry is gone.
//
// User space writes the IPv4 sources that may pass once into `tickets`. The
// program consumes a ticket by deleting it: a return of 0 means the entry
// existed and this packet wins it; -ENOENT means there was none, so the packet
// is dropped. The delete is atomic, so two CPUs cannot both use one ticket.
// With an empty map (as in a test run) the packet is dropped and counted.
//
// bpfspec: run retval=1
// bpfspec: expect-map verdicts[1] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* IPv4 source, network order */
	__type(value, __u8);
} tickets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32); /* 0: passed, 1: dropped */
	__type(value, __u64);
} verdicts SEC(".maps");

SEC("xdp")
int one_shot(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	__u32 src = iph->saddr;
	int verdict = bpf_map_delete_elem(&tickets, &src) == 0 ? XDP_PASS : XDP_DROP;

	__u32 slot = verdict == XDP_PASS ? 0 : 1;
	__u64 *n = bpf_map_lookup_elem(&verdicts, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	return verdict;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
