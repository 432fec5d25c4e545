// expect: ok
#include "common.h"

MAP(stats, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, __u64, 1);

/* No GPL-only helper: any license will do. */
SEC("xdp")
int count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&stats, &key);

	if (n)
		*n += bpf_ktime_get_ns() & 1;
	return XDP_PASS;
}

LICENSE("Proprietary");
