// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_set_tunnel_key: send IPv4 packets into a VXLAN tunnel chosen per packet.
//
// The helper attaches encapsulation metadata (remote address, tunnel id, TTL)
// to the packet; a collect-metadata tunnel device then builds the outer header
// from it, so one device serves any number of peers. The program redirects to
// that device with `bpf_redirect` and returns TC_ACT_REDIRECT. `remote_ipv4`
// is in host byte order. `tunnel_ifindex` is read-only data for the loader to
// set (1 is a placeholder).
//
// bpfspec: run retval=7
// bpfspec: expect-map encapsulated[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u32 tunnel_ifindex = 1;
const volatile __u32 remote_ipv4 = 0xc0a80002; /* 192.168.0.2 */
const volatile __u32 vni = 42;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} encapsulated SEC(".maps");

SEC("tc")
int encap(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;

	struct bpf_tunnel_key key = {
		.remote_ipv4 = remote_ipv4,
		.tunnel_id = vni,
		.tunnel_ttl = 64,
	};
	/* BPF_F_ZERO_CSUM_TX would skip the outer UDP checksum; keep it on here. */
	if (bpf_skb_set_tunnel_key(skb, &key, sizeof(key), 0))
		return TC_ACT_SHOT;

	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&encapsulated, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	return bpf_redirect(tunnel_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
