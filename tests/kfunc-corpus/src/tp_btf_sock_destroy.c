// expect: reject kfunc-not-allowed bpf_sock_destroy
#include "kfuncs.h"

/* bpf_sock_destroy is for socket iterators only: its set's filter refuses other tracing
 * programs. */
SEC("tp_btf/sched_switch")
int BPF_PROG(abort_one, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	bpf_sock_destroy((struct sock_common *)0);
	return 0;
}

LICENSE("GPL");
