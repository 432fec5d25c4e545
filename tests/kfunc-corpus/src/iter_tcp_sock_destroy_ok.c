// expect: ok
#include "kfuncs.h"

SEC("iter/tcp")
int abort_all(struct bpf_iter__tcp *ctx)
{
	struct sock_common *sk = (struct sock_common *)ctx->sk_common;

	if (!sk)
		return 0;
	bpf_sock_destroy(sk);
	return 0;
}

LICENSE("GPL");
