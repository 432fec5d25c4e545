// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_strncmp: let a cgroup sysctl program guard one sysctl by name.
//
// The second string must be a constant in a read-only map (a string literal in .rodata
// does it), so the helper is meant for comparing runtime data against fixed names. Here
// the program reads the sysctl's name and refuses writes to net/ipv4/ip_forward from
// the cgroup it is attached to; reads and every other sysctl are allowed.
// CGROUP_SYSCTL has no test-run support, so the example is loaded but not run.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static const char guarded[] = "net/ipv4/ip_forward";

SEC("cgroup/sysctl")
int guard_ip_forward(struct bpf_sysctl *ctx)
{
	char name[32] = {};

	if (!ctx->write)
		return 1;
	/* BPF_F_SYSCTL_BASE_NAME unset: the full path below /proc/sys. */
	if (bpf_sysctl_get_name(ctx, name, sizeof(name), 0) < 0)
		return 1;
	if (bpf_strncmp(name, sizeof(name), guarded) == 0)
		return 0; /* reject the write with EPERM */
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
