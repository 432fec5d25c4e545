// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_timer_init: prepare a struct bpf_timer that lives inside a map value.
//
// A BPF timer is only valid as a field of a map value (array, hash, LRU hash), never on
// the stack. bpf_timer_init binds it to the map and to a clock (CLOCK_MONOTONIC here);
// it must be called once before bpf_timer_set_callback and bpf_timer_start, and a second
// init of the same timer fails with -EBUSY. The test runs the program once, so the first
// init succeeds and its return value 0 is recorded with a 1 in the "done" slot.
//
// bpfspec: run retval=2
// bpfspec: expect-map init_result[0] == 0
// bpfspec: expect-map init_result[1] == 1
#include <linux/bpf.h>
#include <linux/time.h>
#include <bpf/bpf_helpers.h>

struct flow_timer {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct flow_timer);
	__uint(max_entries, 1);
} timers SEC(".maps");

/* init_result[0] = return of bpf_timer_init, [1] = 1 once it was called. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} init_result SEC(".maps");

SEC("xdp")
int setup_timer(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct flow_timer *ft = bpf_map_lookup_elem(&timers, &key);
	__u64 val;

	if (!ft)
		return XDP_PASS;
	val = bpf_timer_init(&ft->timer, &timers, CLOCK_MONOTONIC);
	bpf_map_update_elem(&init_result, &key, &val, BPF_ANY);
	key = 1;
	val = 1;
	bpf_map_update_elem(&init_result, &key, &val, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
