// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_task_storage_get: keep per-thread state attached to the task itself, not in a hash keyed by TID.
//
// Each call of the program finds (or, with BPF_LOCAL_STORAGE_GET_F_CREATE, creates) the
// calling task's slot in a BPF_MAP_TYPE_TASK_STORAGE map and counts the call. The storage is
// freed with the task, so nothing has to clean up stale TIDs; the count is mirrored into an
// array so the result can be read back without a task file descriptor.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map seen[0] >= 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct task_struct;

struct task_stats {
	__u64 calls;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* required for local-storage maps */
	__type(key, int);                     /* user space looks entries up by pidfd */
	__type(value, struct task_stats);
} task_stats SEC(".maps");

/* Slot 0: the calling task's count after this call. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} seen SEC(".maps");

SEC("syscall")
int count_calls(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_stats *st;
	__u32 zero = 0;
	__u64 *out;

	/* NULL value: a new slot starts zeroed. The result can be NULL (no memory, or
	 * storage being torn down), and the verifier insists on the check. */
	st = bpf_task_storage_get(&task_stats, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st)
		return 0;
	__sync_fetch_and_add(&st->calls, 1);

	out = bpf_map_lookup_elem(&seen, &zero);
	if (out)
		*out = st->calls;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
