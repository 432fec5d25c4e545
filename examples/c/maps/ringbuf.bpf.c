// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_RINGBUF: send one event per packet to user space through a shared ring buffer.
//
// The program reserves room for a record, fills it in place and submits it, or discards it
// when there is nothing to report; every path after a successful reserve must do one of the
// two, or the verifier refuses the program. A NULL reserve means the buffer is full and the
// event is lost, so count it. User space mmaps the buffer and consumes records in order with
// libbpf's ring_buffer__new() and ring_buffer__poll(); max_entries is the size in bytes, a
// power of two and a multiple of the page size.
//
// bpfspec: run retval=2
// bpfspec: expect-map sent[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

struct packet_event {
	__u64 timestamp_ns;
	__u32 len;
	__u32 ifindex;
	__u16 ethertype; /* network byte order */
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Slot 0: events sent, slot 1: events lost because the buffer was full. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} sent SEC(".maps");

static void count(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&sent, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("xdp")
int report_packets(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	/* Reserve first, so a full buffer costs no work; decide later whether to send. */
	struct packet_event *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		count(1);
		return XDP_PASS;
	}
	if ((void *)(eth + 1) > data_end) {
		/* A runt frame: nothing to report, but the reservation must still be released. */
		bpf_ringbuf_discard(ev, 0);
		return XDP_PASS;
	}
	ev->timestamp_ns = bpf_ktime_get_ns();
	ev->len = data_end - data;
	ev->ifindex = ctx->ingress_ifindex;
	ev->ethertype = eth->h_proto;
	ev->pad = 0;
	/* Wake the reader only once a batch is waiting; it must then poll with a timeout, or a
	 * quiet period leaves the last records unread. */
	__u64 batched = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > 64 * 1024;
	__u64 flags = batched ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	bpf_ringbuf_submit(ev, flags);
	count(0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
