// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_PERCPU_HASH: per-CPU packet counts keyed by TCP destination port.
//
// A key inserted by one CPU exists for all CPUs, each with its own value, so the counter can
// be bumped without atomics. A new key is inserted with a zeroed value first and then looked
// up, which gives this CPU's copy. User space reads one value per possible CPU for a key and
// sums them; deleting a key removes it for every CPU.
//
// bpfspec: run retval=2
// bpfspec: expect-map per_port[80] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, __u32);   /* TCP destination port */
	__type(value, __u64); /* packets */
	__uint(max_entries, 1024);
} per_port SEC(".maps");

SEC("xdp")
int count_tcp_ports(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);

	/* Only option-less IPv4 headers, to keep the bounds check simple. */
	if ((void *)(tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_TCP)
		return XDP_PASS;

	__u32 port = bpf_ntohs(tcp->dest);
	__u64 *count = bpf_map_lookup_elem(&per_port, &port);
	if (!count) {
		__u64 zero = 0;
		/* BPF_NOEXIST: another CPU may have inserted it meanwhile, which is fine. */
		bpf_map_update_elem(&per_port, &port, &zero, BPF_NOEXIST);
		count = bpf_map_lookup_elem(&per_port, &port);
		if (!count)
			return XDP_PASS;
	}
	*count += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
