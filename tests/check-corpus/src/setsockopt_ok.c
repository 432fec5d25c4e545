// expect: ok
#include "common.h"

SEC("cgroup/setsockopt")
int adjust(struct bpf_sockopt *ctx)
{
	int mark = 7;

	if (ctx->level == 1 /* SOL_SOCKET */ && ctx->optname == 36 /* SO_MARK */)
		bpf_setsockopt(ctx->sk, 1, 36, &mark, sizeof(mark));
	return 1;
}

LICENSE("GPL");
