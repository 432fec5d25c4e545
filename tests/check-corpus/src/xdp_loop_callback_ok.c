// expect: ok
#include "common.h"

MAP(hits, BPF_MAP_TYPE_ARRAY, __u32, __u64, 8);

/* A bpf_loop callback is verified as part of the program that passes it. */
static int bump(__u32 i, void *ctx)
{
	__u64 *n = bpf_map_lookup_elem(&hits, &i);

	if (n)
		*n += 1;
	return 0;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	bpf_loop(8, bump, 0, 0);
	return XDP_PASS;
}

LICENSE("GPL");
