// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_set_retval: refuse a socket() call with a specific errno instead of the default EPERM.
//
// A cgroup hook that returns 0 (reject) normally makes the system call fail with EPERM.
// Calling bpf_set_retval with a negative errno first picks the error user space sees;
// a program can also set a failure while returning 1 so later programs still run. The
// value must be 0 or a negative errno. Here raw sockets are refused with EACCES for the
// attached cgroup. CGROUP_SOCK has no test-run support, so the example is only loaded.
#include <linux/bpf.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>

/* From the socket API; the uapi headers used for BPF do not define it. */
#define SOCK_RAW 3

SEC("cgroup/sock_create")
int no_raw_sockets(struct bpf_sock *ctx)
{
	if (ctx->type != SOCK_RAW)
		return 1;
	bpf_set_retval(-EACCES);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
