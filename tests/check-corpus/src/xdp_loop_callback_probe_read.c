// expect: reject helper-not-allowed bpf_probe_read
#include "common.h"

/* The disallowed helper sits in a callback, reached only through bpf_loop. */
static int peek(__u32 i, void *ctx)
{
	long v = 0;

	bpf_probe_read(&v, sizeof(v), ctx);
	return v != 0;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	bpf_loop(4, peek, 0, 0);
	return XDP_PASS;
}

LICENSE("GPL");
