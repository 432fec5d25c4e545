// expect: reject sleepable-only bpf_copy_from_user
#include "common.h"

/* Reading user memory may fault and sleep: only sleepable programs may. */
SEC("tp_btf/sched_switch")
int on_switch(__u64 *ctx)
{
	char buf[8];

	return bpf_copy_from_user(buf, sizeof(buf), (void *)ctx[0]) == 0;
}

LICENSE("GPL");
