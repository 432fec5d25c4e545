// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_func_arg_cnt: find out how many arguments the traced kernel function takes.
//
// fentry/fexit programs attached through a trampoline get the traced function's
// arguments as an array of u64; this helper returns its length, so one generic program
// can be attached to functions of different arity and walk their arguments with
// bpf_get_func_arg. The count comes from BTF at attach time, not from the call.
// Only trampoline programs (fentry, fexit, fmod_ret) may call it.
//
// bpfspec: check-only fentry programs fail to load with EPERM on this host
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);  /* address of the traced function */
	__type(value, __u64); /* its argument count */
	__uint(max_entries, 1024);
} arity SEC(".maps");

SEC("fentry/do_unlinkat")
int record_arity(void *ctx)
{
	__u64 ip = bpf_get_func_ip(ctx);
	__u64 cnt = bpf_get_func_arg_cnt(ctx);

	bpf_map_update_elem(&arity, &ip, &cnt, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
