// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_store_hdr_opt: write a custom TCP option carrying per-connection data into outgoing segments.
//
// On the server side, every segment of an accepted connection gets an experimental option
// (kind 253, RFC 6994) holding a 32-bit server ID, so a middlebox or the client can tell
// which backend answered. The option must fit in space reserved in the
// BPF_SOCK_OPS_HDR_OPT_LEN_CB callback, and it is written in BPF_SOCK_OPS_WRITE_HDR_OPT_CB.
// The kernel refuses (-EEXIST) an option whose kind, and for kind 253 experiment ID, is already
// in the header, and fails with -ENOSPC when the reserved room is too small.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TCPOPT_EXP 253
#define OUR_EXID 0xeb9f

const volatile __u32 server_id = 1; /* set by user space before loading */

struct server_opt {
	__u8 kind;
	__u8 len;
	__u16 exid;  /* network order */
	__u32 sid;   /* network order */
} __attribute__((packed));

SEC("sockops")
int stamp_server_id(struct bpf_sock_ops *skops)
{
	struct server_opt opt = {
		.kind = TCPOPT_EXP,
		.len = sizeof(opt),
		.exid = __builtin_bswap16(OUR_EXID),
		.sid = __builtin_bswap32(server_id),
	};

	switch (skops->op) {
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags |
						 BPF_SOCK_OPS_WRITE_HDR_OPT_CB_FLAG);
		break;
	case BPF_SOCK_OPS_HDR_OPT_LEN_CB:
		bpf_reserve_hdr_opt(skops, sizeof(opt), 0);
		break;
	case BPF_SOCK_OPS_WRITE_HDR_OPT_CB:
		bpf_store_hdr_opt(skops, &opt, sizeof(opt), 0);
		break;
	}
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
