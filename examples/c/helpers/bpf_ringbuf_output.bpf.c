// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ringbuf_output: send a variable-length record (a packet's first bytes) through a ring buffer.
//
// bpf_ringbuf_reserve needs a size fixed at load time; this helper copies a buffer of a
// length known only at run time, as long as the verifier can bound it. The XDP program
// samples up to 64 bytes from the start of each packet and emits a record of exactly
// header + captured bytes, so short packets take less space in the buffer.
//
// bpfspec: run retval=2
// bpfspec: expect-map sent[0] == 1
// bpfspec: expect-map sent[1] == 64
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SNAP_LEN 64

struct sample {
	__u32 pkt_len;
	__u32 cap_len;
	__u8 bytes[SNAP_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} samples SEC(".maps");

/* Per-CPU scratch: a struct sample is too big to build comfortably on the 512-byte stack
 * next to everything else, and a map value is also valid memory for the helper. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sample);
	__uint(max_entries, 1);
} scratch SEC(".maps");

/* 0: records sent, 1: bytes captured in the last one. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} sent SEC(".maps");

SEC("xdp")
int sample_packets(struct xdp_md *ctx)
{
	__u32 zero = 0, one = 1;
	struct sample *s = bpf_map_lookup_elem(&scratch, &zero);
	__u64 *nsent = bpf_map_lookup_elem(&sent, &zero);
	__u64 *last = bpf_map_lookup_elem(&sent, &one);
	__u64 len = (__u64)ctx->data_end - ctx->data;
	__u64 cap = len < SNAP_LEN ? len : SNAP_LEN;

	/* The cap > SNAP_LEN test looks redundant, but it gives the verifier the upper bound on
	 * the size register that both helper calls below need; 64-bit math keeps it intact. */
	if (!s || !nsent || !last || cap == 0 || cap > SNAP_LEN)
		return XDP_PASS;
	if (bpf_xdp_load_bytes(ctx, 0, s->bytes, cap))
		return XDP_PASS;
	s->pkt_len = len;
	s->cap_len = cap;

	if (bpf_ringbuf_output(&samples, s, offsetof(struct sample, bytes) + cap, 0) == 0) {
		__sync_fetch_and_add(nsent, 1);
		*last = cap;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
