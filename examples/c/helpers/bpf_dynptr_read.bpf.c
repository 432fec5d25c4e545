// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_dynptr_read: parse packet headers through a dynptr instead of data/data_end checks.
//
// bpf_dynptr_from_xdp (a kfunc, Linux 6.4+) wraps the XDP buffer, fragments included, in
// a dynptr; bpf_dynptr_read then copies bytes at any offset into a stack buffer and
// fails with -E2BIG/-EINVAL when the range is outside the packet, so the code needs no
// pointer comparisons. The program reads the IPv4 header after the Ethernet header
// and records the TTL; the test packet has TTL 64.
//
// bpfspec: run retval=2
// bpfspec: expect-map ttl_seen[0] == 64
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

extern int bpf_dynptr_from_xdp(struct xdp_md *xdp, __u64 flags, struct bpf_dynptr *ptr) __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} ttl_seen SEC(".maps");

SEC("xdp")
int read_ttl(struct xdp_md *ctx)
{
	struct bpf_dynptr pkt;
	struct ethhdr eth;
	struct iphdr ip;
	__u32 key = 0;
	__u64 ttl;

	if (bpf_dynptr_from_xdp(ctx, 0, &pkt))
		return XDP_PASS;
	if (bpf_dynptr_read(&eth, sizeof(eth), &pkt, 0, 0))
		return XDP_PASS;
	if (eth.h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (bpf_dynptr_read(&ip, sizeof(ip), &pkt, sizeof(eth), 0))
		return XDP_PASS;
	ttl = ip.ttl;
	bpf_map_update_elem(&ttl_seen, &key, &ttl, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
