// expect: ok
#include "common.h"

MAP(table, BPF_MAP_TYPE_HASH, __u32, __u64, 8);

static long visit(void *map, __u32 *key, __u64 *value, void *ctx)
{
	return bpf_ktime_get_ns() & 1;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	bpf_for_each_map_elem(&table, visit, 0, 0);
	return XDP_PASS;
}

LICENSE("GPL");
