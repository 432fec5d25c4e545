// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_msg_pop_data: strip a fixed framing header off messages before they are delivered.
//
// The counterpart of bpf_msg_push_data: removes `len` bytes at `start` from the
// message. After the call msg->size shrinks and any data pointers are stale.
// Messages that start with the 4-byte magic "TAG1" lose their 8-byte tag;
// others pass unchanged.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TAG_LEN 8

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} stripped SEC(".maps");

SEC("sk_msg")
int strip_tag(struct sk_msg_md *msg)
{
	void *data = msg->data;
	if (data + TAG_LEN > msg->data_end)
		return SK_PASS;
	if (*(__u32 *)data != bpf_htonl(0x54414731))
		return SK_PASS;

	/* flags must be 0 */
	if (bpf_msg_pop_data(msg, 0, TAG_LEN, 0))
		return SK_DROP;

	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&stripped, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
