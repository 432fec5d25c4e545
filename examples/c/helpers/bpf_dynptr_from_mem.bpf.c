// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_dynptr_from_mem: wrap a map value in a dynptr so offsets are checked at run time.
//
// A dynptr carries its own size, so reads and writes at offsets the verifier cannot
// bound (a length taken from packet data, say) are checked by the helpers instead of
// being refused at load time. The memory must be a map value (the verifier refuses
// stack and packet memory here); flags must be 0. Here a scratch log in a map value gets one
// record appended at a run-time offset; the test checks the new fill level.
//
// bpfspec: run retval=2
// bpfspec: expect-map log_fill[0] == 8
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define LOG_BYTES 256

struct log_buf {
	__u8 bytes[LOG_BYTES];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct log_buf);
	__uint(max_entries, 1);
} logs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} log_fill SEC(".maps");

SEC("xdp")
int append_record(struct xdp_md *ctx)
{
	struct bpf_dynptr log;
	__u32 key = 0;
	struct log_buf *buf = bpf_map_lookup_elem(&logs, &key);
	__u64 *fill = bpf_map_lookup_elem(&log_fill, &key);
	__u64 record;

	if (!buf || !fill)
		return XDP_PASS;
	if (bpf_dynptr_from_mem(buf, sizeof(*buf), 0, &log))
		return XDP_PASS;

	record = ctx->data_end - ctx->data;
	/* *fill is unbounded for the verifier; the dynptr rejects a write past the end. */
	if (bpf_dynptr_write(&log, *fill, &record, sizeof(record), 0) == 0)
		*fill += sizeof(record);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
