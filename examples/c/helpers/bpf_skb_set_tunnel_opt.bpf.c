// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_set_tunnel_opt: add a Geneve option carrying a tenant id to encapsulated packets.
//
// Options ride along with the metadata of `bpf_skb_set_tunnel_key`, which must
// be called first: without it there is no metadata to attach them to and the
// helper fails. The size must be a multiple of 4 and the layout is the tunnel
// protocol's own (for Geneve: class, type, length in 4-byte words, data). The
// packet then goes to a collect-metadata Geneve device (`tunnel_ifindex`,
// 1 is a placeholder for the loader to replace).
//
// bpfspec: run retval=7
// bpfspec: expect-map with_option[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u32 tunnel_ifindex = 1;
const volatile __u32 tenant = 7;

struct geneve_opt_tenant {
	__be16 opt_class;
	__u8 type;
	__u8 length; /* 5 bits: option data length in 4-byte words */
	__be32 tenant;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} with_option SEC(".maps");

SEC("tc")
int geneve_encap(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;

	struct bpf_tunnel_key key = {
		.remote_ipv4 = 0xc0a80002, /* 192.168.0.2 */
		.tunnel_id = 42,
		.tunnel_ttl = 64,
	};
	struct geneve_opt_tenant opt = {
		.opt_class = bpf_htons(0xff01), /* experimental class range */
		.type = 1,
		.length = sizeof(opt.tenant) / 4,
		.tenant = bpf_htonl(tenant),
	};

	if (bpf_skb_set_tunnel_key(skb, &key, sizeof(key), 0) || bpf_skb_set_tunnel_opt(skb, &opt, sizeof(opt)))
		return TC_ACT_SHOT;

	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&with_option, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	return bpf_redirect(tunnel_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
