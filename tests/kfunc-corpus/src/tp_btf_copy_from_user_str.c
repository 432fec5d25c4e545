// expect: reject kfunc-sleepable-only bpf_copy_from_user_str
#include "kfuncs.h"

/* tp_btf programs cannot sleep; bpf_copy_from_user_str may. */
SEC("tp_btf/sched_switch")
int BPF_PROG(copy_name, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	char buf[16];

	bpf_copy_from_user_str(buf, sizeof(buf), (void *)0, 0);
	return 0;
}

LICENSE("GPL");
