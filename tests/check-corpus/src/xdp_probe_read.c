// expect: reject helper-not-allowed bpf_probe_read
#include "common.h"

/* bpf_probe_read is for tracing programs; the fix is bpf_probe_read_kernel. */
SEC("xdp")
int peek(struct xdp_md *ctx)
{
	long v = 0;

	bpf_probe_read(&v, sizeof(v), (void *)(long)ctx->data);
	return v ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
