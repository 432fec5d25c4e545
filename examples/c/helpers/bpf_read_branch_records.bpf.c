// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_read_branch_records: capture the last branches the CPU took when a perf event fires.
//
// With a perf event opened with PERF_SAMPLE_BRANCH_STACK (Intel LBR and similar), each
// sample carries a hardware record of recent taken branches. A perf_event program can copy
// them out to reconstruct the hot path that led to the sample. Passing
// BPF_F_GET_BRANCH_RECORDS_SIZE (with a NULL buffer) asks how many bytes are available;
// otherwise the helper fills whole struct perf_branch_entry records and returns the bytes
// written, or -ENOENT when the event was opened without a branch stack.
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <bpf/bpf_helpers.h>

/* Only passed on to the helper, never read, so the type can stay opaque here. */
struct bpf_perf_event_data;

#define MAX_BRANCHES 16

struct branches {
	__u64 nr;
	struct perf_branch_entry entries[MAX_BRANCHES];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct branches);
	__uint(max_entries, 1);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} samples SEC(".maps");

SEC("perf_event")
int sample_branches(struct bpf_perf_event_data *ctx)
{
	__u32 zero = 0;
	struct branches *b = bpf_map_lookup_elem(&scratch, &zero);
	long avail, got;

	if (!b)
		return 0;
	avail = bpf_read_branch_records(ctx, NULL, 0, BPF_F_GET_BRANCH_RECORDS_SIZE);
	if (avail <= 0)
		return 0; /* no branch stack on this event */

	got = bpf_read_branch_records(ctx, b->entries, sizeof(b->entries), 0);
	if (got <= 0)
		return 0;
	b->nr = got / sizeof(struct perf_branch_entry);
	bpf_ringbuf_output(&samples, b, sizeof(*b), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
