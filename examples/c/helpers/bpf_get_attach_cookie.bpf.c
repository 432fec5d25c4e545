// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_attach_cookie: let one kprobe program know which attachment triggered it.
//
// User space passes a 64-bit cookie when it creates each link (bpf_program__attach_kprobe_opts
// with .bpf_cookie, or one cookie per symbol for kprobe.multi), and the program reads it
// back here. That replaces one program per attach point with one program plus a table.
// Here the cookie indexes a small array of per-attachment counters; an attachment made
// without a cookie reads 0. Kprobes cannot be test-run, so the example is only loaded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_SITES 16

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, MAX_SITES);
} hits_by_cookie SEC(".maps");

SEC("kprobe/do_sys_openat2")
int count_by_cookie(void *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);
	__u32 site = cookie < MAX_SITES ? cookie : 0;
	__u64 *cnt = bpf_map_lookup_elem(&hits_by_cookie, &site);

	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
