// expect: reject attach-type bpf_setsockopt
#include "common.h"

/* bpf_setsockopt is offered to the setsockopt hook only. */
SEC("cgroup/getsockopt")
int adjust(struct bpf_sockopt *ctx)
{
	int mark = 7;

	if (ctx->level == 1 && ctx->optname == 36)
		bpf_setsockopt(ctx->sk, 1, 36, &mark, sizeof(mark));
	return 1;
}

LICENSE("GPL");
