// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_csum_diff: decrement the IPv4 TTL in XDP and patch the header checksum incrementally.
//
// XDP has no checksum-replace helpers, so the program computes the change
// itself: bpf_csum_diff sums the new words, subtracts the old ones and adds a
// seed (here the old checksum, inverted), all as a 32-bit one's complement sum
// that is folded to 16 bits. Both buffers must be multiples of 4 bytes. A
// second call with no "from" buffer sums the whole header, to show that a
// header that verified before still verifies after: slot 0 counts those.
//
// bpfspec: run retval=2
// bpfspec: expect-map csum_ok[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} csum_ok SEC(".maps");

static __u16 fold(__s64 sum)
{
	__u32 s = (__u32)sum;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s;
}

/* Folded one's complement sum of the 20-byte header: 0xffff when its checksum is right. */
static __u16 header_sum(struct iphdr *iph)
{
	return fold(bpf_csum_diff(0, 0, (__be32 *)iph, sizeof(*iph), 0));
}

SEC("xdp")
int ttl_decrement(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || iph->ihl != 5)
		return XDP_PASS;
	if (iph->ttl <= 1)
		return XDP_DROP;

	int valid_before = header_sum(iph) == 0xffff;

	/* TTL and protocol share one 16-bit word; pad it to 4 bytes with zeros. */
	__be32 old_word = 0, new_word = 0;
	__builtin_memcpy(&old_word, &iph->ttl, 2);
	iph->ttl--;
	__builtin_memcpy(&new_word, &iph->ttl, 2);

	__s64 sum = bpf_csum_diff(&old_word, 4, &new_word, 4, (__u16)~iph->check);
	if (sum < 0)
		return XDP_ABORTED;
	iph->check = ~fold(sum);

	if (valid_before == (header_sum(iph) == 0xffff)) {
		__u32 key = 0;
		__u64 *n = bpf_map_lookup_elem(&csum_ok, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
