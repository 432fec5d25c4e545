// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_func_arg: read the traced function's arguments by index, for any arity.
//
// Instead of naming arguments through BPF_PROG, a generic fentry/fexit program can fetch
// argument n as a u64; an index at or past bpf_get_func_arg_cnt gives -EINVAL, which
// ends the loop below. The values are raw: pointers come back as plain numbers and must
// be read with bpf_probe_read_kernel. This program logs the first six arguments of
// each call into a ring buffer. Only trampoline programs may call it.
//
// bpfspec: check-only fentry programs fail to load with EPERM on this host
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_ARGS 6

struct call_event {
	__u64 ip;
	__u64 nr_args;
	__u64 args[MAX_ARGS];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} calls SEC(".maps");

SEC("fentry/do_unlinkat")
int log_args(void *ctx)
{
	struct call_event *ev = bpf_ringbuf_reserve(&calls, sizeof(*ev), 0);
	__u32 i;

	if (!ev)
		return 0;
	ev->ip = bpf_get_func_ip(ctx);
	ev->nr_args = 0;
	for (i = 0; i < MAX_ARGS; i++) {
		__u64 v = 0;

		if (bpf_get_func_arg(ctx, i, &v) < 0)
			break; /* -EINVAL: the function has fewer arguments */
		ev->args[i] = v;
		ev->nr_args = i + 1;
	}
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
