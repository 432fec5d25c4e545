// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_func_ip: tell which function a shared kprobe program fired in.
//
// One program attached to several kprobes (or a kprobe.multi link) can use the
// returned address as a key: it is the address of the probed function, so user space
// maps it back to a name with /proc/kallsyms. Here each hit is counted per function
// address in a hash map. Kprobes cannot be test-run, so the example is only loaded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);
	__type(value, __u64);
	__uint(max_entries, 256);
} hits_by_func SEC(".maps");

SEC("kprobe/do_sys_openat2")
int count_by_func(void *ctx)
{
	__u64 ip = bpf_get_func_ip(ctx);
	__u64 one = 1, *cnt;

	cnt = bpf_map_lookup_elem(&hits_by_func, &ip);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&hits_by_func, &ip, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
