// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_dynptr_data: get a direct pointer into a ring buffer record and fill it in place.
//
// For local (map value) and ring buffer dynptrs the helper returns a pointer to
// len bytes at an offset, or NULL if that range is out of bounds, so the record can be
// written field by field without a stack copy. len must be a constant and the pointer
// must be NULL-checked; it becomes invalid when the dynptr is submitted or discarded.
// For skb/xdp dynptrs use the bpf_dynptr_slice kfunc instead. The test counts records.
//
// bpfspec: run retval=2
// bpfspec: expect-map filled[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pkt_event {
	__u64 ts;
	__u32 ifindex;
	__u32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} pkt_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} filled SEC(".maps");

SEC("xdp")
int fill_in_place(struct xdp_md *ctx)
{
	struct bpf_dynptr rec;
	struct pkt_event *ev;
	__u32 key = 0;
	__u64 *cnt;

	if (bpf_ringbuf_reserve_dynptr(&pkt_events, sizeof(*ev), 0, &rec))
		goto discard;
	ev = bpf_dynptr_data(&rec, 0, sizeof(*ev));
	if (!ev)
		goto discard;
	ev->ts = bpf_ktime_get_ns();
	ev->ifindex = ctx->ingress_ifindex;
	ev->len = ctx->data_end - ctx->data;
	bpf_ringbuf_submit_dynptr(&rec, 0);

	cnt = bpf_map_lookup_elem(&filled, &key);
	if (cnt)
		*cnt += 1;
	return XDP_PASS;
discard:
	bpf_ringbuf_discard_dynptr(&rec, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
