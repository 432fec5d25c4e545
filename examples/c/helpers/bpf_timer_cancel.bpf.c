// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_timer_cancel: disarm a pending timer, e.g. when a connection closes cleanly.
//
// The helper returns 1 if the timer was armed and has now been stopped, 0 if it was not
// armed, and -EDEADLK when called from the timer's own callback. Cancelling also
// forgets the callback: set it again before restarting the timer. The program arms a 10-second
// timer and cancels it at once; the test expects the cancel to report 1.
//
// bpfspec: run retval=2
// bpfspec: expect-map cancel_result[0] == 1
#include <linux/bpf.h>
#include <linux/time.h>
#include <bpf/bpf_helpers.h>

struct conn {
	__u64 timeouts;
	struct bpf_timer retransmit;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct conn);
	__uint(max_entries, 1);
} conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __s64);
	__uint(max_entries, 1);
} cancel_result SEC(".maps");

static int on_timeout(void *map, __u32 *key, struct conn *c)
{
	c->timeouts++;
	return 0;
}

SEC("xdp")
int arm_and_cancel(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct conn *c = bpf_map_lookup_elem(&conns, &key);
	__s64 ret;

	if (!c)
		return XDP_PASS;
	if (bpf_timer_init(&c->retransmit, &conns, CLOCK_MONOTONIC))
		return XDP_PASS;
	if (bpf_timer_set_callback(&c->retransmit, on_timeout))
		return XDP_PASS;
	if (bpf_timer_start(&c->retransmit, 10ULL * 1000000000ULL, 0))
		return XDP_PASS;
	ret = bpf_timer_cancel(&c->retransmit);
	bpf_map_update_elem(&cancel_result, &key, &ret, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
