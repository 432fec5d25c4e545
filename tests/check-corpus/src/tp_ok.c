// expect: ok
#include "common.h"

MAP_SIZED(events, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0);
MAP_SIZED(stacks, BPF_MAP_TYPE_STACK_TRACE, 4, 127 * 8, 1024);

SEC("tp/sched/sched_process_exec")
int on_exec(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	long stack = bpf_get_stackid(ctx, &stacks, 0);
	long first = 0;

	bpf_probe_read_kernel(&first, sizeof(first), ctx);
	id ^= stack ^ first;
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &id, sizeof(id));
	return 0;
}

LICENSE("GPL");
