// expect: reject map-type-mismatch bpf_cgrp_storage_get
#include "common.h"

struct cgroup;

MAP(per_cgroup, BPF_MAP_TYPE_HASH, int, long, 16);

/* bpf_cgrp_storage_get needs a BPF_MAP_TYPE_CGRP_STORAGE map. */
SEC("tp_btf/sched_switch")
int on_switch(__u64 *ctx)
{
	return bpf_cgrp_storage_get(&per_cgroup, (struct cgroup *)0, 0, 0) != 0;
}

LICENSE("GPL");
