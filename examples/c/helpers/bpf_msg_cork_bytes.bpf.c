// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_msg_cork_bytes: hold back small writes until a whole fixed-size header has arrived.
//
// A policy that needs to see a 16-byte header cannot decide on a 3-byte
// sendmsg. Corking tells the kernel to queue data and call the program again
// only once at least that many bytes are buffered; the program then sees the
// header in one piece and gives its verdict.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define HDR_LEN 16

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} corked SEC(".maps");

SEC("sk_msg")
int wait_for_header(struct sk_msg_md *msg)
{
	if (msg->size < HDR_LEN) {
		__u32 key = 0;
		__u64 *n = bpf_map_lookup_elem(&corked, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
		bpf_msg_cork_bytes(msg, HDR_LEN);
		return SK_PASS;
	}

	void *data = msg->data;
	if (data + HDR_LEN > msg->data_end)
		return SK_PASS;
	/* a first byte of 0xff marks a message type this policy refuses */
	return *(__u8 *)data == 0xff ? SK_DROP : SK_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
