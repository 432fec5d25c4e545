// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ringbuf_reserve_dynptr: reserve a ring buffer record whose size is known only at run time.
//
// bpf_ringbuf_reserve needs a constant size; the dynptr variant accepts any size up to
// the buffer's capacity and hands back a dynptr to fill with bpf_dynptr_write or
// bpf_dynptr_data. Whether or not the reservation succeeded, the dynptr must be
// submitted or discarded on every path, or the program is rejected. Here each packet's
// first bytes (up to 64) go into a variable-length record; the test checks the size.
//
// bpfspec: run retval=2
// bpfspec: expect-map reserved_bytes[0] == 68
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SNAP_MAX 64

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} packets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} reserved_bytes SEC(".maps");

SEC("xdp")
int snap_packet(struct xdp_md *ctx)
{
	struct bpf_dynptr rec;
	__u8 head[SNAP_MAX] = {};
	__u64 len = ctx->data_end - ctx->data;
	__u32 key = 0, prefix;
	__u64 size;

	if (len > SNAP_MAX)
		len = SNAP_MAX;
	if (len == 0)
		return XDP_PASS;
	/* A 4-byte length prefix, then the bytes. The prefix gets its own stack slot so
	 * that len stays in a register and keeps the bounds the verifier learned above. */
	prefix = len;
	size = sizeof(prefix) + len;
	if (bpf_ringbuf_reserve_dynptr(&packets, size, 0, &rec)) {
		bpf_ringbuf_discard_dynptr(&rec, 0); /* required even on failure */
		return XDP_PASS;
	}
	if (bpf_xdp_load_bytes(ctx, 0, head, len) ||
	    bpf_dynptr_write(&rec, 0, &prefix, sizeof(prefix), 0) ||
	    bpf_dynptr_write(&rec, sizeof(prefix), head, len, 0)) {
		bpf_ringbuf_discard_dynptr(&rec, 0);
		return XDP_PASS;
	}
	bpf_ringbuf_submit_dynptr(&rec, 0);
	bpf_map_update_elem(&reserved_bytes, &key, &size, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
