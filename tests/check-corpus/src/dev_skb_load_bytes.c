// expect: reject helper-not-allowed bpf_skb_load_bytes
#include "common.h"

SEC("cgroup/dev")
int allow(struct bpf_cgroup_dev_ctx *ctx)
{
	__u32 v = 0;

	bpf_skb_load_bytes(ctx, 0, &v, sizeof(v));
	return 1;
}

LICENSE("GPL");
