// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_get_xfrm_state: see which IPsec SA decrypted a packet, on tc ingress.
//
// After the kernel's xfrm layer has decapsulated an ESP packet, the skb keeps
// the path of SAs it went through; index 0 is the first. The program counts
// packets per SPI, and counts those that did not arrive through IPsec
// (the helper then returns -ENOENT), as the plain test packet does.
//
// bpfspec: run retval=0
// bpfspec: expect-map not_ipsec[0] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32); /* SPI, host byte order */
	__type(value, __u64);
	__uint(max_entries, 256);
} per_spi SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} not_ipsec SEC(".maps");

SEC("tc")
int ipsec_accounting(struct __sk_buff *skb)
{
	struct bpf_xfrm_state x = {};
	__u32 key = 0;

	/* index 0 of the SA path; size is sizeof the uapi struct, flags must be 0 */
	if (bpf_skb_get_xfrm_state(skb, 0, &x, sizeof(x), 0)) {
		__u64 *n = bpf_map_lookup_elem(&not_ipsec, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
		return TC_ACT_OK;
	}

	__u32 spi = bpf_ntohl(x.spi);
	__u64 one = 1, *n = bpf_map_lookup_elem(&per_spi, &spi);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&per_spi, &spi, &one, BPF_NOEXIST);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
