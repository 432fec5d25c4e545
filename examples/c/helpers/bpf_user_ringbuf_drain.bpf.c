// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_user_ringbuf_drain: consume commands that user space queued in a user ring buffer.
//
// BPF_MAP_TYPE_USER_RINGBUF is the reverse of a ring buffer: user space produces
// (libbpf's user_ring_buffer__reserve/submit) and BPF consumes. Each sample reaches the
// callback as a read-only dynptr; copy it out with bpf_dynptr_read and return 0 to
// continue or 1 to stop. The helper returns how many samples it drained. The test run
// finds the buffer empty, so the program only checks that draining did not fail.
//
// bpfspec: run-input none
// bpfspec: run retval=0
// bpfspec: expect-map applied[0] == 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct command {
	__u32 slot;
	__u32 pad;
	__u64 value;
};

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} commands SEC(".maps");

/* Settings written by the commands; applied[0] counts the commands drained so far. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
} applied SEC(".maps");

static long apply_command(struct bpf_dynptr *sample, void *unused)
{
	struct command cmd;

	if (bpf_dynptr_read(&cmd, sizeof(cmd), sample, 0, 0))
		return 1; /* malformed sample: stop draining */
	if (cmd.slot == 0 || cmd.slot >= 8)
		return 0; /* slot 0 is the counter, skip bad slots */
	bpf_map_update_elem(&applied, &cmd.slot, &cmd.value, BPF_ANY);
	return 0;
}

SEC("syscall")
int drain_commands(void *ctx)
{
	__u32 key = 0;
	__u64 *count;
	long n;

	n = bpf_user_ringbuf_drain(&commands, apply_command, NULL, 0);
	if (n < 0)
		return 1;
	count = bpf_map_lookup_elem(&applied, &key);
	if (count)
		*count += n;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
