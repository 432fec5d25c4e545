// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_send_signal_thread: deliver a signal to the calling thread only, not to its whole process.
//
// A profiler or sandbox that wants the offending thread itself to handle the signal (for
// example to dump its own stack in a SIGUSR1 handler) must target that thread: with
// bpf_send_signal any thread of the process may take it. User space picks the thread ID
// and signal before loading; the defaults (any thread, signal 0) only check permission,
// which is what the test run does. The kernel refuses kernel threads and the init process.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map sent[0] == 1
// bpfspec: expect-map sent[1] == 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tid = 0; /* 0: whichever thread runs the program */
const volatile __u32 signal = 0;     /* e.g. 10 for SIGUSR1 */

/* 0: signals attempted, 1: minus the last helper result (0 on success). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} sent SEC(".maps");

SEC("syscall")
int signal_caller_thread(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 k0 = 0, k1 = 1;
	__u64 *tries = bpf_map_lookup_elem(&sent, &k0);
	__u64 *last = bpf_map_lookup_elem(&sent, &k1);
	long err;

	if (!tries || !last || (target_tid && tid != target_tid))
		return 0;
	err = bpf_send_signal_thread(signal);
	__sync_fetch_and_add(tries, 1);
	*last = -err;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
