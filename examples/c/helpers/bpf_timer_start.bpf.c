// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_timer_start: arm an idle timeout that counts expired flows.
//
// After bpf_timer_init and bpf_timer_set_callback, bpf_timer_start schedules the
// callback nsecs from now (flags 0: relative; BPF_F_TIMER_ABS: absolute). Starting an
// armed timer again moves its deadline, which is how a "no packet for N seconds" timeout
// is kept alive. The timer is cancelled when its map is freed, so no callback outlives
// the program. The test records the return of bpf_timer_start, 0 on success.
//
// bpfspec: run retval=2
// bpfspec: expect-map start_result[0] == 0
// bpfspec: expect-map start_result[1] == 1
#include <linux/bpf.h>
#include <linux/time.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>

#define IDLE_TIMEOUT_NS (30ULL * 1000000000ULL)

struct flow {
	__u64 packets;
	struct bpf_timer idle;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct flow);
	__uint(max_entries, 1);
} flows SEC(".maps");

/* start_result[0] = bpf_timer_start's return, [1] = packets seen. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __s64);
	__uint(max_entries, 2);
} start_result SEC(".maps");

static int flow_idle(void *map, __u32 *key, struct flow *f)
{
	f->packets = 0; /* idle for too long: forget the flow */
	return 0;
}

SEC("xdp")
int track_flow(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct flow *f = bpf_map_lookup_elem(&flows, &key);
	__s64 ret;

	if (!f)
		return XDP_PASS;
	if (f->packets++ == 0) {
		/* First packet: set the timer up. -EBUSY means it already was. */
		ret = bpf_timer_init(&f->idle, &flows, CLOCK_MONOTONIC);
		if (ret && ret != -EBUSY)
			return XDP_PASS;
		bpf_timer_set_callback(&f->idle, flow_idle);
	}
	ret = bpf_timer_start(&f->idle, IDLE_TIMEOUT_NS, 0);
	bpf_map_update_elem(&start_result, &key, &ret, BPF_ANY);
	key = 1;
	bpf_map_update_elem(&start_result, &key, &f->packets, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
