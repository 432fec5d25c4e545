// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_tcp_raw_check_syncookie_ipv6: accept or refuse the final ACK of a handshake, both families.
//
// The second half of a dual-stack XDP SYN proxy: an ACK that matches no connection is
// checked against the cookie this host would have issued; 0 means genuine, -EACCES
// means drop. The IPv6 helper takes the fixed 40-byte header. The program drops ACKs
// with a bad cookie and passes everything else. The fixed test packet is an IPv4 SYN, so
// the run only shows it passing untouched (no ACK, nothing checked); the IPv6 path is
// checked by the verifier at load time.
//
// bpfspec: run retval=2
// bpfspec: expect-map acks_checked[0] == 0
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* acks_checked[0] = ACKs checked, [1] = ACKs refused. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} acks_checked SEC(".maps");

static int verdict(long check_ret)
{
	__u32 key = 0;
	__u64 *cnt = bpf_map_lookup_elem(&acks_checked, &key);

	if (cnt)
		*cnt += 1;
	if (check_ret == 0)
		return XDP_PASS; /* genuine: a proxy would now open the server-side connection */
	key = 1;
	cnt = bpf_map_lookup_elem(&acks_checked, &key);
	if (cnt)
		*cnt += 1;
	return XDP_DROP;
}

static int is_bare_ack(struct tcphdr *tcp)
{
	return tcp->ack && !tcp->syn && !tcp->rst && !tcp->fin;
}

SEC("xdp")
int check_final_ack(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		struct tcphdr *tcp = (void *)(ip6 + 1);

		if ((void *)(tcp + 1) > data_end || ip6->nexthdr != IPPROTO_TCP || !is_bare_ack(tcp))
			return XDP_PASS;
		return verdict(bpf_tcp_raw_check_syncookie_ipv6(ip6, tcp));
	}
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		struct tcphdr *tcp = (void *)(ip + 1);

		if ((void *)(tcp + 1) > data_end || ip->ihl != 5 || ip->protocol != IPPROTO_TCP ||
		    !is_bare_ack(tcp))
			return XDP_PASS;
		return verdict(bpf_tcp_raw_check_syncookie_ipv4(ip, tcp));
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
