// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ringbuf_reserve: build a fixed-size event in place in a ring buffer, without an extra copy.
//
// The XDP program reserves room for one record per IPv4 packet, fills in the addresses
// and length directly in the ring buffer's memory and submits it. If the buffer is full,
// reserve returns NULL, and the program counts the drop instead of blocking the packet.
// User space reads records with libbpf's ring_buffer__new() / ring_buffer__poll().
//
// bpfspec: run retval=2
// bpfspec: expect-map counters[0] == 1
// bpfspec: expect-map counters[1] == 0
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct pkt_event {
	__u32 saddr;
	__u32 daddr;
	__u32 len;
	__u8 protocol;
	__u8 pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024); /* bytes; a power of two and a multiple of the page size */
} events SEC(".maps");

/* 0: records submitted, 1: records dropped because the buffer was full. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} counters SEC(".maps");

static void count(__u32 key)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &key);

	if (c)
		__sync_fetch_and_add(c, 1);
}

SEC("xdp")
int report_packets(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct pkt_event *e;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	/* The size must be a constant; the record must be submitted or discarded on every path. */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(1);
		return XDP_PASS;
	}
	e->saddr = ip->saddr;
	e->daddr = ip->daddr;
	e->len = data_end - data;
	e->protocol = ip->protocol;
	bpf_ringbuf_submit(e, 0);
	count(0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
