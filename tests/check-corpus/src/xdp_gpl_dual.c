// expect: ok
#include "common.h"

SEC("xdp")
int log_packets(struct xdp_md *ctx)
{
	bpf_printk("packet of %d bytes", ctx->data_end - ctx->data);
	return XDP_PASS;
}

LICENSE("Dual BSD/GPL");
