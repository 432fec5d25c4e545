// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ringbuf_submit_dynptr: publish a filled ring buffer record to user space.
//
// Submitting ends the dynptr's life: it may not be used afterwards, and the record
// becomes visible to ring_buffer__poll in user space. BPF_RB_NO_WAKEUP skips waking the
// reader (useful when batching), BPF_RB_FORCE_WAKEUP always wakes it; 0 lets the kernel
// decide. Here one small event per packet is submitted; the test counts submissions,
// and ring_buffer__poll in user space would receive one 8-byte record per packet.
//
// bpfspec: run retval=2
// bpfspec: expect-map submitted[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 ifindex;
	__u32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} submitted SEC(".maps");

SEC("xdp")
int report_packet(struct xdp_md *ctx)
{
	struct event ev = {
		.ifindex = ctx->ingress_ifindex,
		.len = ctx->data_end - ctx->data,
	};
	struct bpf_dynptr rec;
	__u32 key = 0;
	__u64 *cnt;

	if (bpf_ringbuf_reserve_dynptr(&events, sizeof(ev), 0, &rec)) {
		bpf_ringbuf_discard_dynptr(&rec, 0);
		return XDP_PASS;
	}
	if (bpf_dynptr_write(&rec, 0, &ev, sizeof(ev), 0)) {
		bpf_ringbuf_discard_dynptr(&rec, 0);
		return XDP_PASS;
	}
	bpf_ringbuf_submit_dynptr(&rec, 0);
	cnt = bpf_map_lookup_elem(&submitted, &key);
	if (cnt)
		*cnt += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
