// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_msg_apply_bytes: give one verdict for a whole application record, not per sendmsg call.
//
// The protocol here starts each record with a 4-byte big-endian length. When
// the program sees a header it reads the length and applies this verdict to
// the header plus that many payload bytes; the program is not called again
// until they have gone through, whatever the sizes of the sendmsg calls.
// Records longer than 64 KiB are refused.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_RECORD (64 * 1024)

SEC("sk_msg")
int per_record_verdict(struct sk_msg_md *msg)
{
	void *data = msg->data;
	void *data_end = msg->data_end;

	/* the header must be in the directly readable part (see bpf_msg_pull_data) */
	if (data + 4 > data_end)
		return SK_PASS;

	__u32 len = bpf_ntohl(*(__u32 *)data);
	if (len > MAX_RECORD)
		return SK_DROP;
	bpf_msg_apply_bytes(msg, len + 4);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
