// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_xdp_adjust_meta: leave a note in front of the packet for the tc program that runs next.
//
// A negative delta grows the metadata area that sits just before ctx->data.
// After the call every packet pointer must be reloaded from ctx and the area
// bounds-checked against ctx->data before it is written. A sched_cls program
// on the same device can read it back between __sk_buff's data_meta and data.
// The test run checks the mark can be read back from the metadata area.
//
// bpfspec: run retval=2
// bpfspec: expect-map marks[0] == 6
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct meta {
	__u32 l4_proto; /* the metadata size must be a multiple of 4 */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} marks SEC(".maps");

SEC("xdp")
int tag_protocol(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(struct meta)))
		return XDP_PASS; /* driver without metadata support: carry on without a tag */

	/* the call invalidated earlier packet pointers: load them again */
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct meta *m = (void *)(long)ctx->data_meta;
	if ((void *)(m + 1) > data)
		return XDP_PASS;

	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		m->l4_proto = 0;
	else
		m->l4_proto = ip->protocol;

	__u32 key = 0;
	__u64 seen = m->l4_proto;
	bpf_map_update_elem(&marks, &key, &seen, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
