// expect: ok
#include "kfuncs.h"

SEC("tp_btf/sched_switch")
int BPF_PROG(take_prev, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *t = bpf_task_acquire(prev);

	if (t)
		bpf_task_release(t);
	return 0;
}

LICENSE("GPL");
