// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sysctl_get_current_value: log the value a sysctl had before a process in the cgroup changed it.
//
// The helper copies the current value as the text /proc/sys shows (e.g.
// "1\n"), NUL-terminated, truncating with -E2BIG when the buffer is short.
// The cgroup/sysctl program parses it with bpf_strtoul and keeps, per write
// to net.ipv4.ip_forward (matched by its base name), the old value.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} previous SEC(".maps");

SEC("cgroup/sysctl")
int remember_old_value(struct bpf_sysctl *ctx)
{
	char name[16] = {};
	char text[16] = {};
	unsigned long old = 0;
	static const char want[] = "ip_forward";

	if (!ctx->write)
		return 1;
	if (bpf_sysctl_get_name(ctx, name, sizeof(name), BPF_F_SYSCTL_BASE_NAME) < 0)
		return 1;
	for (int i = 0; i < sizeof(want); i++)
		if (name[i] != want[i])
			return 1;

	if (bpf_sysctl_get_current_value(ctx, text, sizeof(text)) < 0)
		return 1;
	if (bpf_strtoul(text, sizeof(text), 10, &old) < 0)
		return 1;

	__u32 key = 0;
	__u64 v = old;
	bpf_map_update_elem(&previous, &key, &v, BPF_ANY);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
