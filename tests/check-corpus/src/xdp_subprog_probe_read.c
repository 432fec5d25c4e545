// expect: reject helper-not-allowed bpf_probe_read
#include "common.h"

/* The helper is reached only through a bpf-to-bpf call. */
static __attribute__((noinline)) long peek(void *p)
{
	long v = 0;

	bpf_probe_read(&v, sizeof(v), p);
	return v;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	return peek((void *)(long)ctx->data) ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
