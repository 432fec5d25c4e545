// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_msg_redirect_map: send what a socket writes straight to another socket of a sockmap.
//
// User space puts sockets in a SOCKMAP and attaches this sk_msg program to the
// map (BPF_SK_MSG_VERDICT). On every sendmsg the program picks a slot; the
// data skips the TCP/IP stack and lands in the receive queue of the target
// socket (BPF_F_INGRESS) or its send queue (flags 0). The helper's return
// value is already the verdict: SK_PASS, or SK_DROP if the slot is empty.
// Here each socket at index 2k is paired with the one at 2k+1.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 64);
} pairs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32); /* local port of a socket in pairs */
	__type(value, __u32); /* its index in pairs */
	__uint(max_entries, 64);
} slot_of_port SEC(".maps");

SEC("sk_msg")
int pair_sockets(struct sk_msg_md *msg)
{
	__u32 port = msg->local_port;
	__u32 *slot = bpf_map_lookup_elem(&slot_of_port, &port);
	if (!slot)
		return SK_PASS; /* not one of ours: normal send path */

	return bpf_msg_redirect_map(msg, &pairs, *slot ^ 1, BPF_F_INGRESS);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
