// expect: ok
#include "common.h"

MAP_SIZED(stacks, BPF_MAP_TYPE_STACK_TRACE, 4, 127 * 8, 1024);

SEC("perf_event")
int sample(struct bpf_perf_event_data *ctx)
{
	struct bpf_perf_event_value v = {};

	bpf_perf_prog_read_value(ctx, &v, sizeof(v));
	return bpf_get_stackid(ctx, &stacks, 0) > 0 && v.enabled;
}

LICENSE("GPL");
