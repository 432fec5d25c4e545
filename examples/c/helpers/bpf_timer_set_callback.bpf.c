// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_timer_set_callback: choose the function a BPF timer runs when it expires.
//
// The callback is a static function of the same object with the signature
// int cb(void *map, key_type *key, value_type *value); it receives the map element the
// timer lives in, so per-flow timers can clean up their own entry. The timer must have
// been initialised with bpf_timer_init first, or the call fails with -EINVAL. The test
// records the return of set_callback (0) after a successful init.
//
// bpfspec: run retval=2
// bpfspec: expect-map setup_result[0] == 0
// bpfspec: expect-map setup_result[1] == 0
#include <linux/bpf.h>
#include <linux/time.h>
#include <bpf/bpf_helpers.h>

struct session {
	__u64 expired;
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct session);
	__uint(max_entries, 1);
} sessions SEC(".maps");

/* setup_result[0] = bpf_timer_init, [1] = bpf_timer_set_callback. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __s64);
	__uint(max_entries, 2);
} setup_result SEC(".maps");

static int on_expire(void *map, __u32 *key, struct session *s)
{
	s->expired = 1;
	return 0;
}

SEC("xdp")
int arm_session(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct session *s = bpf_map_lookup_elem(&sessions, &key);
	__s64 init_ret, cb_ret = -1;

	if (!s)
		return XDP_PASS;
	init_ret = bpf_timer_init(&s->timer, &sessions, CLOCK_MONOTONIC);
	if (init_ret == 0)
		cb_ret = bpf_timer_set_callback(&s->timer, on_expire);
	bpf_map_update_elem(&setup_result, &key, &init_ret, BPF_ANY);
	key = 1;
	bpf_map_update_elem(&setup_result, &key, &cb_ret, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
