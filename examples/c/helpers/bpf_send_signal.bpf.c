// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_send_signal: signal the process that triggered an event, from inside the kernel.
//
// Attached to the raw syscall-entry tracepoint, the program sends a signal to a chosen
// process the next time it makes a system call, for example to stop (SIGSTOP) or kill a
// misbehaving job at once, with no user-space round trip. The signal goes to the whole
// process; use bpf_send_signal_thread to hit only the calling thread. With the defaults
// (any process, signal 0) the kernel only checks that a signal could be delivered, which is
// what the test run exercises; user space sets both values before loading.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map sent[0] == 1
// bpfspec: expect-map sent[1] == 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid = 0; /* 0: whoever is running (only safe with signal 0) */
const volatile __u32 signal = 0;      /* e.g. 19 for SIGSTOP, 9 for SIGKILL */

/* 0: signals attempted, 1: minus the last helper result (0 on success). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} sent SEC(".maps");

SEC("raw_tp/sys_enter")
int signal_on_syscall(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 k0 = 0, k1 = 1;
	__u64 *tries = bpf_map_lookup_elem(&sent, &k0);
	__u64 *last = bpf_map_lookup_elem(&sent, &k1);
	long err;

	if (!tries || !last || (target_tgid && tgid != target_tgid))
		return 0;
	err = bpf_send_signal(signal);
	__sync_fetch_and_add(tries, 1);
	*last = -err;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
