// expect: reject unknown-kfunc bpf_task_acquire_twice
#include "kfuncs.h"

/* No kernel has this kfunc: libbpf cannot resolve the extern through the kernel's BTF. */
extern struct task_struct *bpf_task_acquire_twice(struct task_struct *p) __ksym;

SEC("tp_btf/sched_switch")
int BPF_PROG(take_prev, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *t = bpf_task_acquire_twice(prev);

	if (t)
		bpf_task_release(t);
	return 0;
}

LICENSE("GPL");
