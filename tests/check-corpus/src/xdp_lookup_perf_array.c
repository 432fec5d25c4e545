// expect: reject map-type-mismatch bpf_map_lookup_elem
#include "common.h"

MAP_SIZED(events, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0);

SEC("xdp")
int lookup(struct xdp_md *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&events, &key) ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
