// expect: reject helper-not-allowed bpf_skb_load_bytes
#include "common.h"

SEC("perf_event")
int sample(struct bpf_perf_event_data *ctx)
{
	__u32 v = 0;

	bpf_skb_load_bytes(ctx, 0, &v, sizeof(v));
	return v;
}

LICENSE("GPL");
