// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_load_hdr_opt: find and read a TCP option in the headers of incoming segments.
//
// The program asks for BPF_SOCK_OPS_PARSE_HDR_OPT_CB on established connections, then
// looks each segment up for an experimental option (kind 253) with our experiment ID. The
// search key goes in the buffer: its first byte is the kind, and for kind 253 the two bytes
// after the length byte are the experiment ID to match. On success the whole option is copied
// over it and its length returned; -ENOMSG means the segment has no such option. The server
// IDs found are counted per value for user space.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TCPOPT_EXP 253
#define OUR_EXID 0xeb9f

struct server_opt {
	__u8 kind;
	__u8 len;
	__u16 exid;
	__u32 sid;
} __attribute__((packed));

/* Key: server ID seen in an option (host order); value: segments that carried it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1024);
} servers SEC(".maps");

SEC("sockops")
int read_server_id(struct bpf_sock_ops *skops)
{
	struct server_opt opt = {};
	__u64 one = 1, *n;
	__u32 sid;

	switch (skops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
		/* Unknown-option parsing: only segments with options we do not know wake us. */
		bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags |
						 BPF_SOCK_OPS_PARSE_UNKNOWN_HDR_OPT_CB_FLAG);
		break;
	case BPF_SOCK_OPS_PARSE_HDR_OPT_CB:
		opt.kind = TCPOPT_EXP;
		opt.len = 4; /* kind, len and the 2-byte ID form the search key */
		opt.exid = __builtin_bswap16(OUR_EXID);
		if (bpf_load_hdr_opt(skops, &opt, sizeof(opt), 0) < (long)sizeof(opt))
			break;
		sid = __builtin_bswap32(opt.sid);
		n = bpf_map_lookup_elem(&servers, &sid);
		if (n)
			__sync_fetch_and_add(n, 1);
		else
			bpf_map_update_elem(&servers, &sid, &one, BPF_NOEXIST);
		break;
	}
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
