// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sk_redirect_hash: forward received stream data to another socket chosen by key.
//
// An sk_skb stream-verdict program runs on each chunk the sockets of a SOCKHASH
// receive. Here sockets are keyed by a one-byte channel number chosen by user
// space, and the first byte of the data names the target channel: the data is
// sent out of that socket (flags 0) or queued on its receive side
// (BPF_F_INGRESS). The helper's return value is the verdict itself.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__type(key, __u32); /* channel number */
	__type(value, __u64);
	__uint(max_entries, 256);
} channels SEC(".maps");

SEC("sk_skb/stream_verdict")
int route_by_channel(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (data + 1 > data_end)
		return SK_PASS;
	__u32 channel = *(__u8 *)data;
	return bpf_sk_redirect_hash(skb, &channels, &channel, 0);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
