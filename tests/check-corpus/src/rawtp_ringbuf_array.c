// expect: reject map-type-mismatch bpf_ringbuf_reserve
#include "common.h"

MAP(slots, BPF_MAP_TYPE_ARRAY, __u32, __u64, 4);

SEC("raw_tp/sched_switch")
int on_switch(void *ctx)
{
	__u64 *e = bpf_ringbuf_reserve(&slots, sizeof(*e), 0);

	if (!e)
		return 0;
	*e = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, 0);
	return 0;
}

LICENSE("GPL");
