// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_trace_vprintk: print a trace line with more than three arguments.
//
// bpf_trace_printk stops at three arguments; this variant takes them as an array of
// u64 and a length (a multiple of 8). libbpf's bpf_printk switches to it by itself once
// there are more than three arguments. Lines go to /sys/kernel/tracing/trace_pipe; they
// are for debugging, not for shipping data (use a ring buffer for that). The helper
// returns the number of bytes written, which the test checks is non-zero.
//
// bpfspec: run retval=2
// bpfspec: expect-map printed[0] > 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} printed SEC(".maps");

SEC("xdp")
int log_packet(struct xdp_md *ctx)
{
	static const char fmt[] = "xdp: len=%u ifindex=%u rxq=%u headroom=%u\n";
	__u64 args[4];
	__u32 key = 0;
	__u64 n;
	long ret;

	args[0] = ctx->data_end - ctx->data;
	args[1] = ctx->ingress_ifindex;
	args[2] = ctx->rx_queue_index;
	args[3] = ctx->data - ctx->data_meta;
	ret = bpf_trace_vprintk(fmt, sizeof(fmt), args, sizeof(args));
	n = ret > 0 ? ret : 0;
	bpf_map_update_elem(&printed, &key, &n, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
