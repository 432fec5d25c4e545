// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_tcp_raw_check_syncookie_ipv4: validate the cookie an ACK carries back to a SYN proxy.
//
// The helper returns 0 when th->ack_seq - 1 is a cookie this host issued recently for
// the same addresses, ports and th->seq - 1, and -EACCES otherwise. To show a full round
// trip in one test run, the program takes the SYN, generates its cookie, then builds on
// the stack the ACK a real client would send back (seq + 1, ack_seq = cookie + 1) and
// checks it, then checks a copy with a corrupted cookie. The test expects the first to
// pass and the second to be refused. A real proxy calls it on ACKs that match no known
// connection.
//
// bpfspec: run retval=2
// bpfspec: expect-map check_result[0] == 1
// bpfspec: expect-map check_result[1] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* check_result[0] = 1 if the genuine ACK passed, [1] = 1 if the forged one was refused. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} check_result SEC(".maps");

SEC("xdp")
int cookie_round_trip(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);
	struct tcphdr ack;
	__u32 key = 0;
	__u64 val;
	__s64 cookie;

	if ((void *)(tcp + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_TCP)
		return XDP_PASS;
	if (!tcp->syn || tcp->ack || tcp->doff != 5)
		return XDP_PASS;

	cookie = bpf_tcp_raw_gen_syncookie_ipv4(ip, tcp, sizeof(*tcp));
	if (cookie < 0)
		return XDP_PASS;

	/* The ACK completing the handshake, as the client would send it. */
	__builtin_memcpy(&ack, tcp, sizeof(ack));
	ack.syn = 0;
	ack.ack = 1;
	ack.seq = bpf_htonl(bpf_ntohl(tcp->seq) + 1);
	ack.ack_seq = bpf_htonl((__u32)cookie + 1);

	val = bpf_tcp_raw_check_syncookie_ipv4(ip, &ack) == 0;
	bpf_map_update_elem(&check_result, &key, &val, BPF_ANY);

	/* Flip the cookie's top byte (its time counter) so it is not one we issued. */
	ack.ack_seq = bpf_htonl(((__u32)cookie ^ 0xff000000) + 1);
	key = 1;
	val = bpf_tcp_raw_check_syncookie_ipv4(ip, &ack) == -EACCES;
	bpf_map_update_elem(&check_result, &key, &val, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
