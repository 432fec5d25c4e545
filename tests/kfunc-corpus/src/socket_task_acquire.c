// expect: reject kfunc-not-allowed bpf_task_acquire
#include "kfuncs.h"

/* The generic kfuncs (task references among them) are not registered for socket filters. */
SEC("socket")
int take_task(struct __sk_buff *skb)
{
	struct task_struct *t = bpf_task_acquire((struct task_struct *)0);

	if (t)
		bpf_task_release(t);
	return 0;
}

LICENSE("GPL");
