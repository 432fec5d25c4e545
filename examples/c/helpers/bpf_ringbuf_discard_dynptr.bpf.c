// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ringbuf_discard_dynptr: drop a reserved record that turned out not to be wanted.
//
// Reserving first and deciding later avoids copying an event twice; when the decision
// is "no", discard gives the space back and user space never sees the record. Discard
// is also the required release when the reservation itself failed. Here only TCP
// packets without SYN are reported; the test packet is a SYN, so its record is
// discarded and the discard counter reads 1.
//
// bpfspec: run retval=2
// bpfspec: expect-map outcome[0] == 0
// bpfspec: expect-map outcome[1] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct seg_event {
	__u32 seq;
	__u16 flags;
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} segments SEC(".maps");

/* outcome[0] = records submitted, [1] = records discarded. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} outcome SEC(".maps");

static void bump(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&outcome, &key);

	if (v)
		*v += 1;
}

SEC("xdp")
int report_non_syn(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);
	struct seg_event ev = {};
	struct bpf_dynptr rec;

	if ((void *)(tcp + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_TCP)
		return XDP_PASS;

	if (bpf_ringbuf_reserve_dynptr(&segments, sizeof(ev), 0, &rec)) {
		bpf_ringbuf_discard_dynptr(&rec, 0);
		return XDP_PASS;
	}
	if (tcp->syn) {
		bpf_ringbuf_discard_dynptr(&rec, 0);
		bump(1);
		return XDP_PASS;
	}
	ev.seq = bpf_ntohl(tcp->seq);
	ev.flags = tcp->ack | tcp->fin << 1 | tcp->rst << 2;
	bpf_dynptr_write(&rec, 0, &ev, sizeof(ev), 0);
	bpf_ringbuf_submit_dynptr(&rec, 0);
	bump(0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
