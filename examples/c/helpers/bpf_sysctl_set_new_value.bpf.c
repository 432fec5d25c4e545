// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sysctl_set_new_value: clamp a sysctl write instead of refusing it.
//
// On a write the program may replace the text being written; the kernel then
// parses the replacement as if the process had written it. Here writes to
// vm.swappiness above 60 are rewritten to "60". The replacement is copied
// from a constant-size buffer; only writes (ctx->write) can be changed,
// elsewhere the helper returns -EINVAL.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_SWAPPINESS 60

SEC("cgroup/sysctl")
int clamp_swappiness(struct bpf_sysctl *ctx)
{
	char name[16] = {};
	char text[16] = {};
	unsigned long value = 0;
	static const char want[] = "swappiness";

	if (!ctx->write)
		return 1;
	if (bpf_sysctl_get_name(ctx, name, sizeof(name), BPF_F_SYSCTL_BASE_NAME) < 0)
		return 1;
	for (int i = 0; i < sizeof(want); i++)
		if (name[i] != want[i])
			return 1;

	if (bpf_sysctl_get_new_value(ctx, text, sizeof(text)) < 0 ||
	    bpf_strtoul(text, sizeof(text), 10, &value) < 0)
		return 1; /* let the kernel reject what it cannot parse */
	if (value <= MAX_SWAPPINESS)
		return 1;

	char clamped[3] = "60"; /* the length passed excludes the NUL */
	bpf_sysctl_set_new_value(ctx, clamped, 2);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
