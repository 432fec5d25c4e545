// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sysctl_get_new_value: vet the value a process is about to write to a sysctl.
//
// On a write the helper copies the text being written into the buffer and
// NUL-terminates it (-E2BIG, with a truncated copy, if it does not fit). This
// cgroup/sysctl program refuses to let net.core.somaxconn be set below 128:
// the write then fails with EPERM. On a read the helper returns -EINVAL.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MIN_SOMAXCONN 128

SEC("cgroup/sysctl")
int floor_somaxconn(struct bpf_sysctl *ctx)
{
	char name[16] = {};
	char text[16] = {};
	unsigned long value = 0;
	static const char want[] = "somaxconn";

	if (!ctx->write)
		return 1;
	if (bpf_sysctl_get_name(ctx, name, sizeof(name), BPF_F_SYSCTL_BASE_NAME) < 0)
		return 1;
	for (int i = 0; i < sizeof(want); i++)
		if (name[i] != want[i])
			return 1;

	if (bpf_sysctl_get_new_value(ctx, text, sizeof(text)) < 0)
		return 0; /* too long to be a sane number: refuse */
	if (bpf_strtoul(text, sizeof(text), 10, &value) < 0)
		return 0;
	return value >= MIN_SOMAXCONN;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
