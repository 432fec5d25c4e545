// expect: reject gpl-only bpf_trace_printk
#include "common.h"

/* The kernel compares license strings exactly: "GPL v3" is not on its list. */
SEC("xdp")
int log_packets(struct xdp_md *ctx)
{
	bpf_printk("packet of %d bytes", ctx->data_end - ctx->data);
	return XDP_PASS;
}

LICENSE("GPL v3");
