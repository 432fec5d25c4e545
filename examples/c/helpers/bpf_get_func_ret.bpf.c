// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_func_ret: read the traced function's return value in an fexit program.
//
// The helper stores the return value as a u64 and returns 0; in fentry programs, which
// run before the function returns, it fails with -EOPNOTSUPP. With BPF_PROG one would
// name the value as the last argument; this generic form works for any function, e.g.
// one program attached to many functions that counts failures (negative returns) per
// function address. Only trampoline programs may call it.
//
// bpfspec: check-only fexit programs fail to load with EPERM on this host
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);   /* address of the traced function */
	__type(value, __u64); /* calls that returned an error */
	__uint(max_entries, 1024);
} errors_by_func SEC(".maps");

SEC("fexit/do_unlinkat")
int count_errors(void *ctx)
{
	__u64 ret = 0, ip, one = 1, *cnt;

	if (bpf_get_func_ret(ctx, &ret))
		return 0;
	if ((long)(int)ret >= 0)
		return 0; /* do_unlinkat returns int: 0 or -errno */
	ip = bpf_get_func_ip(ctx);
	cnt = bpf_map_lookup_elem(&errors_by_func, &ip);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&errors_by_func, &ip, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
