// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_tcp_raw_gen_syncookie_ipv4: compute a SYN cookie for an incoming IPv4 SYN in XDP.
//
// This is the first half of an XDP SYN proxy: answer SYNs with a SYN-ACK whose sequence
// number is the cookie, so no state is kept until the client's ACK proves it is real
// (checked with bpf_tcp_raw_check_syncookie_ipv4). The result holds the cookie in the
// low 32 bits and the MSS it encodes in the next 16. The header pointers must cover
// sizeof(struct iphdr) and th_len bytes, and th_len must equal doff * 4. To stay short,
// this program handles SYNs without TCP options and only records cookie and MSS.
//
// bpfspec: run retval=2
// bpfspec: expect-map cookie_out[0] != 0
// bpfspec: expect-map cookie_out[1] > 0
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* cookie_out[0] = cookie, [1] = MSS encoded in it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} cookie_out SEC(".maps");

SEC("xdp")
int syn_cookie(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);
	__u32 key = 0;
	__u64 cookie, mss;
	__s64 ret;

	if ((void *)(tcp + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_TCP)
		return XDP_PASS;
	if (!tcp->syn || tcp->ack || tcp->doff != 5)
		return XDP_PASS;

	ret = bpf_tcp_raw_gen_syncookie_ipv4(ip, tcp, sizeof(*tcp));
	if (ret < 0)
		return XDP_PASS; /* e.g. -EINVAL for a malformed header */
	cookie = (__u32)ret;
	mss = (ret >> 32) & 0xffff;
	bpf_map_update_elem(&cookie_out, &key, &cookie, BPF_ANY);
	key = 1;
	bpf_map_update_elem(&cookie_out, &key, &mss, BPF_ANY);
	/* A SYN proxy would now rewrite the packet into a SYN-ACK with seq = cookie. */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
