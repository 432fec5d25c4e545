// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_trace_printk: print the size of each packet to the kernel trace pipe while debugging.
//
// The format string must live in read-only memory and its size is passed with
// it; libbpf's bpf_printk() macro does both for up to three arguments. Read the
// output with `cat /sys/kernel/debug/tracing/trace_pipe`. The helper is
// GPL-only and meant for debugging: it is slow and every user of ftrace
// shares the one trace buffer.
// Its return value, the number of bytes written, lands in `printed`.
//
// bpfspec: run retval=2
// bpfspec: expect-map printed[0] > 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} printed SEC(".maps");

SEC("xdp")
int print_len(struct xdp_md *ctx)
{
	static const char fmt[] = "xdp: %u bytes on ifindex %u\n";
	__u32 len = ctx->data_end - ctx->data;
	__u32 key = 0;

	long n = bpf_trace_printk(fmt, sizeof(fmt), len, ctx->ingress_ifindex);
	__u64 *total = bpf_map_lookup_elem(&printed, &key);
	if (total && n > 0)
		__sync_fetch_and_add(total, n);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
