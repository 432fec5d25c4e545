// expect: reject attach-type bpf_get_func_arg
#include "common.h"

/* Function arguments exist only for programs on a BPF trampoline (fentry, fexit, ...). */
SEC("tp_btf/sched_switch")
int on_switch(__u64 *ctx)
{
	__u64 arg = 0;

	bpf_get_func_arg(ctx, 0, &arg);
	return arg != 0;
}

LICENSE("GPL");
