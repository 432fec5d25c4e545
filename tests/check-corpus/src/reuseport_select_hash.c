// expect: reject map-type-mismatch bpf_sk_select_reuseport
#include "common.h"

MAP(group, BPF_MAP_TYPE_HASH, __u32, __u64, 4);

SEC("sk_reuseport")
int pick(struct sk_reuseport_md *ctx)
{
	__u32 key = ctx->hash & 3;

	return bpf_sk_select_reuseport(ctx, &group, &key, 0) ? SK_DROP : SK_PASS;
}

LICENSE("GPL");
