// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_USER_RINGBUF: user space sends commands, a program drains and applies them.
//
// The reverse of BPF_MAP_TYPE_RINGBUF: user space reserves and submits records with
// libbpf's user_ring_buffer__reserve() and user_ring_buffer__submit(), and a program calls
// bpf_user_ringbuf_drain() with a callback that gets each record as a dynptr, reads it with
// bpf_dynptr_read() and returns 0 to continue or 1 to stop. The drain returns how many
// records it consumed. This syscall program applies "set limit" commands to an array; run
// with an empty buffer it consumes nothing and returns 0.
//
// bpfspec: run retval=0
// bpfspec: run-input none
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct set_limit {
	__u32 slot;
	__u32 limit;
};

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 256 * 1024);
} commands SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 16);
} limits SEC(".maps");

static long apply(struct bpf_dynptr *record, void *ctx)
{
	struct set_limit cmd;

	if (bpf_dynptr_read(&cmd, sizeof(cmd), record, 0, 0) != 0)
		return 0; /* a short record: skip it */
	__u32 *limit = bpf_map_lookup_elem(&limits, &cmd.slot);
	if (limit)
		*limit = cmd.limit;
	return 0;
}

SEC("syscall")
int apply_commands(void *ctx)
{
	return bpf_user_ringbuf_drain(&commands, apply, NULL, 0);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
