// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_lwt_push_encap: wrap packets of a route in an outer IPv4 header (IP-in-IP).
//
// Attached to a route with `ip route add ... encap bpf in obj.o sec lwt_in`,
// the program prepends a prebuilt outer header (BPF_LWT_ENCAP_IP) and returns
// BPF_LWT_REROUTE so the kernel routes the packet again by its new, outer
// destination. The header is built on the stack with its checksum left 0, which
// the kernel then fills in. The program records the packet length after the push.
//
// bpfspec: run retval=128
// bpfspec: expect-map encapsulated[0] == 70
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* tunnel endpoints, host byte order; a real deployment sets them from user space */
const volatile __u32 tunnel_src = 0xc0000202; /* 192.0.2.2 */
const volatile __u32 tunnel_dst = 0xc6336401; /* 198.51.100.1 */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} encapsulated SEC(".maps");

SEC("lwt_in")
int ipip_encap(struct __sk_buff *skb)
{
	struct iphdr outer = {
		.version = 4,
		.ihl = 5,
		.ttl = 64,
		.protocol = IPPROTO_IPIP,
	};
	outer.tot_len = bpf_htons(skb->len + sizeof(outer));
	outer.saddr = bpf_htonl(tunnel_src);
	outer.daddr = bpf_htonl(tunnel_dst);

	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &outer, sizeof(outer)))
		return BPF_DROP;

	__u32 key = 0;
	__u64 len = skb->len;
	bpf_map_update_elem(&encapsulated, &key, &len, BPF_ANY);
	return BPF_LWT_REROUTE;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
