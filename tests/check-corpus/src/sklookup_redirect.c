// expect: reject helper-not-allowed bpf_redirect
#include "common.h"

SEC("sk_lookup")
int steer(struct bpf_sk_lookup *ctx)
{
	bpf_redirect(1, 0);
	return SK_PASS;
}

LICENSE("GPL");
