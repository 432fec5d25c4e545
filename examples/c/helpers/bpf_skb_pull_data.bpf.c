// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_pull_data: make the headers linear before reading them directly in tc.
//
// Direct packet access only reaches the linear part of the packet (up to
// skb->data_end), which may hold fewer bytes than the headers when a driver
// splits packets into pages. Pulling copies at least `len` bytes into the
// linear part. Afterwards the old data/data_end pointers are invalid: reload
// them and redo the bounds check. Pulling only when `data + len > data_end`
// saves the call on the fast path. The destination port read lands in slot 0.
//
// bpfspec: run retval=0
// bpfspec: expect-map dport[0] == 80
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define HDRS_LEN (sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct tcphdr))

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} dport SEC(".maps");

SEC("tc")
int read_dport(struct __sk_buff *skb)
{
	/* Cheap when the headers are linear already, as in a test run; fails on a shorter packet. */
	if (bpf_skb_pull_data(skb, HDRS_LEN))
		return TC_ACT_OK;

	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	if (data + HDRS_LEN > data_end)
		return TC_ACT_OK;

	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	struct tcphdr *tcph = (void *)(iph + 1);
	if (eth->h_proto != bpf_htons(ETH_P_IP) || iph->ihl != 5 || iph->protocol != IPPROTO_TCP)
		return TC_ACT_OK;

	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&dport, &key);
	if (slot)
		*slot = bpf_ntohs(tcph->dest);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
