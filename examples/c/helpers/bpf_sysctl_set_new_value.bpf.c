// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sysctl_set_new_value: clamp a sysctl write instead of refusing it.
//
// On a write the program may replace the text being written; the kernel then
// parses the replacement as if the process had written it. Here writes that
// set net.ipv4.tcp_keepalive_time above 600 seconds are rewritten to "600",
// so software that ignores errors still ends up with an accepted value. Only
// writes (ctx->write) can be changed; elsewhere the helper returns -EINVAL.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_KEEPALIVE 600

SEC("cgroup/sysctl")
int clamp_keepalive(struct bpf_sysctl *ctx)
{
	char name[32] = {};
	char text[16] = {};
	unsigned long value = 0;
	static const char want[] = "tcp_keepalive_time";

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
	if (value <= MAX_KEEPALIVE)
		return 1;

	char clamped[4] = "600"; /* the length passed counts the digits, not the NUL */
	bpf_sysctl_set_new_value(ctx, clamped, 3);
	return 1; /* 1: the (rewritten) write goes ahead */
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
