// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_PERF_EVENT_ARRAY: send a small record per packet to user space, one buffer per CPU.
//
// User space opens a perf event per CPU (PERF_COUNT_SW_BPF_OUTPUT), mmaps its ring, and
// stores the event fd at the CPU's index; libbpf's perf_buffer does all of that. The program
// writes to the current CPU's slot with BPF_F_CURRENT_CPU. With nobody listening (as in a
// test run) the output fails with ENOENT, which the program counts rather than ignores.
// Prefer BPF_MAP_TYPE_RINGBUF on 5.8+: one buffer, ordered records, no per-CPU waste.
//
// bpfspec: run retval=2
// bpfspec: expect-map lost[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct packet_event {
	__u32 len;
	__u32 ifindex;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} lost SEC(".maps");

SEC("xdp")
int report_packets(struct xdp_md *ctx)
{
	struct packet_event ev = {
		.len = ctx->data_end - ctx->data,
		.ifindex = ctx->ingress_ifindex,
	};

	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &ev, sizeof(ev)) != 0) {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(&lost, &zero);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
