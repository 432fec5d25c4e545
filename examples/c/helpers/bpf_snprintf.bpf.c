// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_snprintf: format "source-address:port" of an IPv4/TCP packet into a string.
//
// Arguments travel as an array of u64, and the format string must be a constant in a
// read-only map, which is what libbpf's BPF_SNPRINTF macro arranges. %pI4 takes a pointer
// to the four address bytes. The helper returns the length including the final NUL:
// "10.0.0.1:4321" for the test packet gives 14, which the test checks.
//
// bpfspec: run retval=0
// bpfspec: expect-map formatted_len[0] == 14
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} formatted_len SEC(".maps");

struct label {
	char text[32];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct label);
	__uint(max_entries, 1);
} last_source SEC(".maps");

SEC("tc")
int name_source(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct tcphdr *tcp = (void *)(ip + 1);
	__u32 key = 0;
	struct label *out;
	__u64 len;

	if ((void *)(tcp + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_TCP)
		return TC_ACT_OK;
	out = bpf_map_lookup_elem(&last_source, &key);
	if (!out)
		return TC_ACT_OK;

	__u32 saddr = ip->saddr; /* copied to the stack: %pI4 reads through the pointer */
	__u16 sport = bpf_ntohs(tcp->source);
	len = BPF_SNPRINTF(out->text, sizeof(out->text), "%pI4:%u", &saddr, sport);
	bpf_map_update_elem(&formatted_len, &key, &len, BPF_ANY);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
