// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_map_lookup_elem: count packets per IP protocol in an XDP program.
//
// The lookup hands back a pointer into the map's value (or NULL when the key
// is absent or out of range); the program must test it before writing through
// it. Each protocol number indexes an array slot, so TCP lands in slot 6.
//
// bpfspec: run retval=2
// bpfspec: expect-map proto_pkts[6] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} proto_pkts SEC(".maps");

SEC("xdp")
int count_protocols(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	__u32 key = iph->protocol;
	__u64 *count = bpf_map_lookup_elem(&proto_pkts, &key);
	if (!count) /* the verifier rejects a dereference without this test */
		return XDP_PASS;
	__sync_fetch_and_add(count, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
