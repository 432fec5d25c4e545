// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_msg_push_data: insert a header in front of what the application sends.
//
// Pushing opens `len` new bytes at offset `start`; their content is undefined
// until written, so the program pulls them into the linear area and fills
// them. Here an 8-byte tag with a magic and the sender's local port is put in
// front of every message, for a receiver that expects framed data.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TAG_LEN 8

SEC("sk_msg")
int add_tag(struct sk_msg_md *msg)
{
	__u32 port = msg->local_port;

	/* flags must be 0 */
	if (bpf_msg_push_data(msg, 0, TAG_LEN, 0))
		return SK_PASS;
	if (bpf_msg_pull_data(msg, 0, TAG_LEN, 0))
		return SK_DROP; /* a message with an unfilled header must not go out */

	void *data = msg->data;
	if (data + TAG_LEN > msg->data_end)
		return SK_DROP;
	((__u32 *)data)[0] = bpf_htonl(0x54414731); /* "TAG1" */
	((__u32 *)data)[1] = bpf_htonl(port);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
