// expect: reject map-type-mismatch bpf_get_stackid
#include "common.h"

MAP(stacks, BPF_MAP_TYPE_HASH, __u32, __u64, 16);

SEC("tp/sched/sched_switch")
int on_switch(void *ctx)
{
	return bpf_get_stackid(ctx, &stacks, 0) > 0;
}

LICENSE("GPL");
