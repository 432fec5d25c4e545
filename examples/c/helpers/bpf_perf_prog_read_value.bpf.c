// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_perf_prog_read_value: read the counter of the perf event that fired this program.
//
// Attached to a perf event (e.g. a software cpu-clock event with a sample period),
// the program reads that event's own counter together with its enabled and
// running times, and keeps the largest scaled value per CPU. No map of perf
// events is needed: the event comes from the context.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} peak SEC(".maps");

SEC("perf_event")
int on_sample(void *ctx) /* struct bpf_perf_event_data; no field is read here */
{
	struct bpf_perf_event_value val = {};
	__u32 key = 0;

	if (bpf_perf_prog_read_value(ctx, &val, sizeof(val)))
		return 0;

	__u64 scaled = val.running ? val.counter * val.enabled / val.running : val.counter;
	__u64 *best = bpf_map_lookup_elem(&peak, &key);
	if (best && scaled > *best)
		*best = scaled;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
