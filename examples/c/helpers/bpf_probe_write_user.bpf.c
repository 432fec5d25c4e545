// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_probe_write_user: make one chosen process see a different name from uname(2).
//
// The program remembers the user buffer a target process passes to uname()
// and, when the call returns, overwrites the `nodename` field there. The
// helper only writes to user memory of the current task, fails on a kernel
// address, and needs CAP_SYS_ADMIN; the kernel logs a warning when a program
// using it is loaded. It is meant for experiments and debugging, never for
// production fixes. `target_tgid` is read-only data for the loader (0 matches
// nothing). Tracepoints cannot be test-run here, and this host runs in
// lockdown integrity mode, which refuses the helper at load time.
//
// bpfspec: check-only kernel lockdown (integrity) on this host refuses bpf_probe_write_user
#include <linux/bpf.h>
#include <linux/utsname.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid = 0;
static const char fake_name[] = "bpf-demo";

/* Layout of the syscalls:sys_enter_* / sys_exit_* tracepoint records. */
struct syscall_enter {
	__u64 common;
	long id;
	unsigned long args[6];
};

struct syscall_exit {
	__u64 common;
	long id;
	long ret;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);   /* thread id */
	__type(value, __u64); /* user address of struct new_utsname */
} pending SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_newuname")
int uname_enter(struct syscall_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	if (target_tgid == 0 || id >> 32 != target_tgid)
		return 0;
	__u32 tid = id;
	__u64 buf = ctx->args[0];
	bpf_map_update_elem(&pending, &tid, &buf, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_newuname")
int uname_exit(struct syscall_exit *ctx)
{
	__u32 tid = bpf_get_current_pid_tgid();
	__u64 *buf = bpf_map_lookup_elem(&pending, &tid);
	if (!buf)
		return 0;
	if (ctx->ret == 0) {
		struct new_utsname *uts = (void *)*buf;
		/* Includes the NUL, so the rest of the old name is not shown. */
		bpf_probe_write_user(uts->nodename, fake_name, sizeof(fake_name));
	}
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
