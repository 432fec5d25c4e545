// expect: ok
#include "common.h"

/* Through bpf_base_func_proto, for loaders with CAP_PERFMON. */
SEC("xdp")
int peek(struct xdp_md *ctx)
{
	long v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (void *)(long)ctx->data);
	return v ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
