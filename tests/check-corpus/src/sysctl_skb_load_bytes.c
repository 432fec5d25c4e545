// expect: reject helper-not-allowed bpf_skb_load_bytes
#include "common.h"

SEC("cgroup/sysctl")
int guard(struct bpf_sysctl *ctx)
{
	__u32 v = 0;

	bpf_skb_load_bytes(ctx, 0, &v, sizeof(v));
	return 1;
}

LICENSE("GPL");
