// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ringbuf_discard: give back a reserved record when, after filling it, it turns out unwanted.
//
// Reserving first lets the program parse straight into ring-buffer memory. Here it copies
// the TCP header fields of each packet into the record and only then decides: records for
// connection teardown (FIN or RST) are submitted, all others are discarded. A discarded
// record is never seen by the reader and its space is reclaimed. The test packet is a SYN,
// so it is discarded.
//
// bpfspec: run retval=2
// bpfspec: expect-map outcome[0] == 0
// bpfspec: expect-map outcome[1] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct teardown {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 fin;
	__u8 rst;
	__u8 pad[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

/* 0: records submitted, 1: records discarded. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} outcome SEC(".maps");

static void count(__u32 key)
{
	__u64 *c = bpf_map_lookup_elem(&outcome, &key);

	if (c)
		__sync_fetch_and_add(c, 1);
}

SEC("xdp")
int report_teardown(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct tcphdr *tcp = (void *)(ip + 1); /* assumes no IP options, checked below */
	struct teardown *t;

	if ((void *)(tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_TCP)
		return XDP_PASS;

	t = bpf_ringbuf_reserve(&events, sizeof(*t), 0);
	if (!t)
		return XDP_PASS;
	t->saddr = ip->saddr;
	t->daddr = ip->daddr;
	t->sport = bpf_ntohs(tcp->source);
	t->dport = bpf_ntohs(tcp->dest);
	t->fin = tcp->fin;
	t->rst = tcp->rst;

	if (t->fin || t->rst) {
		bpf_ringbuf_submit(t, 0);
		count(0);
	} else {
		bpf_ringbuf_discard(t, 0);
		count(1);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
