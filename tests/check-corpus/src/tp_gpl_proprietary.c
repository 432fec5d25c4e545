// expect: reject gpl-only bpf_probe_read_kernel
#include "common.h"

SEC("tp/sched/sched_switch")
int on_switch(void *ctx)
{
	long v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), ctx);
	return v != 0;
}

LICENSE("MIT");
