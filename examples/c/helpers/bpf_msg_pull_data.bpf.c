// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_msg_pull_data: make bytes of a scattered message readable through msg->data.
//
// A message may be spread over several pages and data..data_end covers only
// the first part. Pulling [start, end) copies that range into one linear area;
// afterwards data points at `start`, and every pointer must be reloaded and
// bounds-checked again. The program reads a 2-byte tag at offset 8 and drops
// messages tagged 0xdead: the sender's sendmsg() fails with EACCES. Tried on
// 6.18 over loopback, the drop also stuck: every later send on that socket
// failed the same way, so SK_DROP is best kept for connections to be stopped.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("sk_msg")
int check_tag(struct sk_msg_md *msg)
{
	if (msg->size < 10)
		return SK_PASS;
	/* flags must be 0 */
	if (bpf_msg_pull_data(msg, 8, 10, 0))
		return SK_PASS;

	void *data = msg->data;
	void *data_end = msg->data_end;
	if (data + 2 > data_end)
		return SK_PASS;
	return bpf_ntohs(*(__u16 *)data) == 0xdead ? SK_DROP : SK_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
