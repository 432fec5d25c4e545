// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_reserve_hdr_opt: make room in outgoing TCP headers for an option the program will write.
//
// Writing a custom TCP option takes two sock_ops callbacks. First the kernel asks how much
// option space the program needs (BPF_SOCK_OPS_HDR_OPT_LEN_CB); the program answers with
// bpf_reserve_hdr_opt. Then, once the header is laid out, it calls back with
// BPF_SOCK_OPS_WRITE_HDR_OPT_CB, where bpf_store_hdr_opt fills the space. Here a 4-byte
// experimental option (kind 253, RFC 6994) tagged with our 16-bit ID goes on SYNs only. The
// callbacks fire only after the program turns them on with bpf_sock_ops_cb_flags_set, and
// the TCP option space (40 bytes) is shared with the kernel's own options.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TCPOPT_EXP 253
#define OUR_EXID 0xeb9f

struct exp_opt {
	__u8 kind;
	__u8 len;
	__u16 exid; /* network order */
} __attribute__((packed));

SEC("sockops")
int tag_syns(struct bpf_sock_ops *skops)
{
	struct exp_opt opt = {
		.kind = TCPOPT_EXP,
		.len = sizeof(opt),
		.exid = __builtin_bswap16(OUR_EXID),
	};

	switch (skops->op) {
	case BPF_SOCK_OPS_TCP_CONNECT_CB:
		/* Ask for the two header-option callbacks on this connection. */
		bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags |
						 BPF_SOCK_OPS_WRITE_HDR_OPT_CB_FLAG);
		break;
	case BPF_SOCK_OPS_HDR_OPT_LEN_CB:
		if (skops->skb_tcp_flags & 0x02 /* SYN */)
			bpf_reserve_hdr_opt(skops, sizeof(opt), 0); /* fails with -ENOSPC if full */
		break;
	case BPF_SOCK_OPS_WRITE_HDR_OPT_CB:
		if (skops->skb_tcp_flags & 0x02)
			bpf_store_hdr_opt(skops, &opt, sizeof(opt), 0);
		break;
	}
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
