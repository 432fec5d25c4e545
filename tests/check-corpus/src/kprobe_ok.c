// expect: ok
#include "common.h"

MAP_SIZED(events, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0);

SEC("kprobe/do_nanosleep")
int on_sleep(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();

	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &id, sizeof(id));
	return 0;
}

LICENSE("GPL");
