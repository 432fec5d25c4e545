// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sysctl_get_name: refuse writes to kernel.* sysctls from the processes of a cgroup.
//
// A cgroup/sysctl program runs on every read or write of /proc/sys inside the
// cgroup. Without flags the helper gives the full name with '/' separators
// ("kernel/hostname"), NUL-terminated; BPF_F_SYSCTL_BASE_NAME gives only the
// last part. A name longer than the buffer comes back truncated with -E2BIG.
// Returning 0 makes the access fail with EPERM; reads are always allowed here.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PREFIX "kernel/"
#define PREFIX_LEN (sizeof(PREFIX) - 1)

SEC("cgroup/sysctl")
int deny_kernel_writes(struct bpf_sysctl *ctx)
{
	char name[64] = {};

	if (!ctx->write)
		return 1;
	/* -E2BIG still fills the buffer, which is enough to compare a prefix */
	if (bpf_sysctl_get_name(ctx, name, sizeof(name), 0) < 0 && name[0] == 0)
		return 1;

	for (int i = 0; i < PREFIX_LEN; i++)
		if (name[i] != PREFIX[i])
			return 1;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
