// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_redirect: from tc, hand IPv4 frames to another device's receive path, as if they arrived there.
//
// In tc the helper returns TC_ACT_REDIRECT and the packet moves when the
// program returns that value. With BPF_F_INGRESS the packet enters the
// target's receive path (useful to deliver into a veth peer or a dummy device
// that another program watches); without it, the packet is transmitted out of
// the target. `target_ifindex` is read-only data for the loader (1 is a
// placeholder). Slot 0 counts redirected frames.
//
// bpfspec: run retval=7
// bpfspec: expect-map redirected[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u32 target_ifindex = 1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} redirected SEC(".maps");

SEC("tc")
int to_ingress(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;

	long verdict = bpf_redirect(target_ifindex, BPF_F_INGRESS);
	if (verdict == TC_ACT_REDIRECT) {
		__u32 key = 0;
		__u64 *n = bpf_map_lookup_elem(&redirected, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return verdict;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
