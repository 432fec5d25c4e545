// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ktime_get_ns: measure how long each thread spends inside system calls.
//
// The sys_enter program stores a timestamp per thread; the sys_exit program
// subtracts it, adds the time to a log2 histogram and deletes the entry.
// Threads that were already inside a call when the programs were attached have
// no start entry and are skipped. A test run of sys_enter records one start
// (slot 0 of `counts`).
//
// bpfspec: run-prog syscall_enter
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map counts[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SLOTS 32

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);   /* thread id */
	__type(value, __u64); /* entry time, ns */
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOTS);
	__type(key, __u32); /* log2 of the latency in ns */
	__type(value, __u64);
} hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32); /* 0: starts recorded, 1: exits measured */
	__type(value, __u64);
} counts SEC(".maps");

static void bump(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&counts, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
}

static __u32 log2_slot(__u64 v)
{
	__u32 slot = 0;
	for (int i = 0; i < SLOTS - 1 && v > 1; i++) {
		v >>= 1;
		slot++;
	}
	return slot;
}

SEC("raw_tp/sys_enter")
int syscall_enter(void *ctx)
{
	__u32 tid = bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();

	if (bpf_map_update_elem(&start, &tid, &now, BPF_ANY) == 0)
		bump(0);
	return 0;
}

SEC("raw_tp/sys_exit")
int syscall_exit(void *ctx)
{
	__u32 tid = bpf_get_current_pid_tgid();
	__u64 *then = bpf_map_lookup_elem(&start, &tid);
	if (!then)
		return 0;

	__u32 slot = log2_slot(bpf_ktime_get_ns() - *then);
	bpf_map_delete_elem(&start, &tid);
	__u64 *n = bpf_map_lookup_elem(&hist, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	bump(1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
