// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_perf_event_read_value: sample a hardware or software counter opened by user space.
//
// User space opens one perf event per CPU (perf_event_open) and stores its fd
// in the PERF_EVENT_ARRAY at the CPU's index; the program then reads counter,
// enabled and running time for the current CPU. Until a slot is filled the
// helper answers -ENOENT, which is what a test run here sees: the program
// counts reads and misses separately.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map reads[1] == 1
#include <linux/bpf.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 3); /* 0: reads, 1: empty slot, 2: last counter value */
} reads SEC(".maps");

static void bump(__u32 key, __u64 add)
{
	__u64 *v = bpf_map_lookup_elem(&reads, &key);
	if (v)
		__sync_fetch_and_add(v, add);
}

SEC("raw_tp")
int sample_counter(void *ctx)
{
	struct bpf_perf_event_value val = {};

	/* BPF_F_CURRENT_CPU: use the slot of the CPU we run on */
	long err = bpf_perf_event_read_value(&counters, BPF_F_CURRENT_CPU, &val, sizeof(val));
	if (err == -ENOENT) {
		bump(1, 1);
		return 0;
	}
	if (err)
		return 0;
	bump(0, 1);
	__u32 last = 2;
	/* counter scaled by how long the event actually ran, as perf does when multiplexing */
	__u64 scaled = val.running ? val.counter * val.enabled / val.running : val.counter;
	bpf_map_update_elem(&reads, &last, &scaled, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
