// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_kallsyms_lookup_name: find a kernel symbol's address from a syscall program.
//
// A loader program can resolve an address (for a kprobe.multi link, say) without
// parsing /proc/kallsyms in user space. The name must be NUL-terminated and its size
// must include the NUL; flags must be 0. Addresses are only revealed to callers allowed
// to see raw kernel pointers, otherwise the helper fails with -EPERM. The test looks up
// a function every kernel has and expects a non-zero address.
//
// bpfspec: run-input none
// bpfspec: run retval=0
// bpfspec: expect-map sym_addr[0] != 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} sym_addr SEC(".maps");

SEC("syscall")
int resolve_symbol(void *ctx)
{
	static const char sym[] = "schedule";
	__u64 addr = 0;
	__u32 key = 0;

	if (bpf_kallsyms_lookup_name(sym, sizeof(sym), 0, &addr))
		return 1;
	bpf_map_update_elem(&sym_addr, &key, &addr, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
