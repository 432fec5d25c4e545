// expect: ok
#include "common.h"

MAP(hits, BPF_MAP_TYPE_HASH, __u32, __u64, 16);

static __attribute__((noinline)) int bump(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&hits, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
	return bpf_ktime_get_ns() & 1;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	return bump(ctx->ingress_ifindex) ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
