// expect: ok
#include "common.h"

struct cgroup;
struct task_struct;

struct {
	__uint(type, MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, long);
} per_cgroup SEC(".maps");

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

SEC("tp_btf/sched_switch")
int on_switch(__u64 *ctx)
{
	long *v;

	bpf_rcu_read_lock();
	v = bpf_cgrp_storage_get(&per_cgroup, (struct cgroup *)0, 0, 0);
	bpf_rcu_read_unlock();
	return v ? 1 : (int)(bpf_get_current_task_btf() != 0);
}

LICENSE("GPL");
