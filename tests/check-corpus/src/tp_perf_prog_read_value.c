// expect: reject helper-not-allowed bpf_perf_prog_read_value
#include "common.h"

/* Only perf_event programs have a perf sample to read. */
SEC("tracepoint/sched/sched_switch")
int on_switch(void *ctx)
{
	struct bpf_perf_event_value v = {};

	bpf_perf_prog_read_value(ctx, &v, sizeof(v));
	return v.counter != 0;
}

LICENSE("GPL");
