// expect: ok
#include "kfuncs.h"

SEC("iter.s/task")
int copy_name(struct bpf_iter__task *ctx)
{
	char buf[16];

	if (!ctx->task)
		return 0;
	bpf_copy_from_user_str(buf, sizeof(buf), (void *)0, 0);
	return 0;
}

LICENSE("GPL");
