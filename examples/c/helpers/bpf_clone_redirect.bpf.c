// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_clone_redirect: mirror every TCP frame to a monitoring interface and let the original pass.
//
// Unlike `bpf_redirect`, the helper sends a copy right away and the program
// keeps the original, so it returns its own verdict. The flags choose the
// direction: 0 transmits the copy out of the target, BPF_F_INGRESS feeds it to
// the target's receive path. The call un-clones the packet, so packet pointers
// taken before it are invalid afterwards. `mirror_ifindex` is read-only data
// set by the loader; 1 (the loopback device) is a placeholder.
//
// bpfspec: run retval=0
// bpfspec: expect-map mirrored[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u32 mirror_ifindex = 1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32); /* 0: copies sent, 1: copies that failed */
	__type(value, __u64);
} mirrored SEC(".maps");

SEC("tc")
int mirror_tcp(struct __sk_buff *skb)
{
	__u8 proto;
	if (skb->protocol != bpf_htons(ETH_P_IP) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN + offsetof(struct iphdr, protocol), &proto, 1) || proto != IPPROTO_TCP)
		return TC_ACT_OK;

	__u32 key = bpf_clone_redirect(skb, mirror_ifindex, 0) == 0 ? 0 : 1;
	__u64 *n = bpf_map_lookup_elem(&mirrored, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
