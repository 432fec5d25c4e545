// expect: ok
#include "common.h"

MAP(tx_port, BPF_MAP_TYPE_DEVMAP, __u32, __u32, 8);
MAP(stats, BPF_MAP_TYPE_ARRAY, __u32, __u64, 4);

SEC("xdp")
int forward(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&stats, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
	if (bpf_xdp_adjust_head(ctx, 0))
		return XDP_ABORTED;
	return bpf_redirect_map(&tx_port, 0, XDP_PASS);
}

LICENSE("GPL");
