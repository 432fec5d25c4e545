// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_override_return: inject a failure into a kernel function for fault testing.
//
// Attached as a kprobe to a function marked for error injection
// (see /sys/kernel/debug/error_injection/list), the program makes every
// third call return -ENOMEM without running the function body. Only kernels
// built with CONFIG_BPF_KPROBE_OVERRIDE offer the helper.
//
// bpfspec: check-only this kernel is built without CONFIG_BPF_KPROBE_OVERRIDE, so the verifier does not know the helper
#include <linux/bpf.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} calls SEC(".maps");

SEC("kprobe/should_failslab")
int fail_some_allocations(void *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&calls, &key);
	if (!n)
		return 0;
	if (__sync_fetch_and_add(n, 1) % 3 == 2)
		bpf_override_return(ctx, (unsigned long)-ENOMEM);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
