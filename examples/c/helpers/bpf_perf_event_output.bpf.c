// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_perf_event_output: report each TCP SYN's addresses to user space through a perf buffer.
//
// User space opens one perf ring per CPU (libbpf's perf_buffer__new) and puts
// the fds in the perf event array; BPF_F_CURRENT_CPU writes to this CPU's
// ring. The record is copied, so a stack struct is fine. In XDP and tc the
// upper 32 bits of the flags may ask for that many packet bytes to be
// appended. `bpf_ringbuf_output` (one shared buffer, ordered) is usually the
// better choice on 5.8+. With no reader attached, as in a test run, the call
// fails with -ENOENT; slot 0 of `lost` counts such failures.
//
// bpfspec: run retval=2
// bpfspec: expect-map lost[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct syn_event {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

SEC("xdp")
int report_syns(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	struct tcphdr *tcph = (void *)(iph + 1);

	if ((void *)(tcph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || iph->ihl != 5 ||
	    iph->protocol != IPPROTO_TCP || !tcph->syn || tcph->ack)
		return XDP_PASS;

	struct syn_event ev = {
		.saddr = iph->saddr,
		.daddr = iph->daddr,
		.sport = tcph->source,
		.dport = tcph->dest,
	};
	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &ev, sizeof(ev))) {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(&lost, &zero);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
