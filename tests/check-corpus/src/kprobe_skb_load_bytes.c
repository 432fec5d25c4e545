// expect: reject helper-not-allowed bpf_skb_load_bytes
#include "common.h"

SEC("kprobe/do_nanosleep")
int on_sleep(void *ctx)
{
	__u32 v = 0;

	bpf_skb_load_bytes(ctx, 0, &v, sizeof(v));
	return v;
}

LICENSE("GPL");
