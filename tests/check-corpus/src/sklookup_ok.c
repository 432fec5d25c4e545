// expect: ok
#include "common.h"

SEC("sk_lookup")
int steer(struct bpf_sk_lookup *ctx)
{
	if (ctx->local_port == 7)
		bpf_sk_assign(ctx, (void *)0, 0);
	return SK_PASS;
}

LICENSE("GPL");
