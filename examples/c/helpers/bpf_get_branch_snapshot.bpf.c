// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_branch_snapshot: capture the CPU's last-branch records at an interesting moment.
//
// On CPUs with a last branch record (Intel LBR) and a perf event that enabled branch
// sampling, the helper copies the most recent branch entries into a buffer, which shows
// how execution got here. Call it as early as possible in the program: every branch the
// program takes itself pushes older records out. Without LBR it fails with -ENOENT.
// The program counts calls and successful snapshots; the test only asserts the call
// count, since this machine may have no LBR.
//
// bpfspec: run-input none
// bpfspec: run retval=0
// bpfspec: expect-map snapshots[0] == 1
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <bpf/bpf_helpers.h>

#define ENTRIES 32

/* snapshots[0] = calls, [1] = snapshots taken, [2] = entries in the last snapshot. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 3);
} snapshots SEC(".maps");

/* 32 entries of 24 bytes do not fit the 512-byte stack, so the buffer is a global. */
struct perf_branch_entry branches[ENTRIES];

SEC("raw_tp/sys_enter")
int snapshot_branches(void *ctx)
{
	long bytes = bpf_get_branch_snapshot(branches, sizeof(branches), 0);
	__u32 key = 0;
	__u64 *v;

	v = bpf_map_lookup_elem(&snapshots, &key);
	if (v)
		*v += 1;
	if (bytes <= 0)
		return 0;
	key = 1;
	v = bpf_map_lookup_elem(&snapshots, &key);
	if (v)
		*v += 1;
	key = 2;
	v = bpf_map_lookup_elem(&snapshots, &key);
	if (v)
		*v = bytes / sizeof(struct perf_branch_entry);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
