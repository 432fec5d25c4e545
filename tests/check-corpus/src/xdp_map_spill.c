// expect: reject map-type-mismatch bpf_map_lookup_elem
#include "common.h"

RINGBUF(ring);

/* The map pointer goes through a stack slot and a register copy before the call. */
SEC("xdp")
int entry(struct xdp_md *ctx)
{
	void *volatile spilled = &ring;
	__u32 key = ctx->ingress_ifindex;
	void *map = spilled;

	return bpf_map_lookup_elem(map, &key) ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
