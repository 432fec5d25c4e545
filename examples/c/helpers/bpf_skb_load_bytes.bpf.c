// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_load_bytes: count TCP connection attempts to port 80 leaving or entering a cgroup.
//
// cgroup_skb programs see the packet from its IP header on and cannot read the
// packet directly, so headers are copied out with this helper. The length must
// be a constant the verifier knows; the offset may vary (here the TCP header
// follows an IP header of ihl * 4 bytes). Reading past the end fails with
// -EFAULT. The program always allows the packet (returns 1).
//
// bpfspec: run retval=1
// bpfspec: expect-map syns[80] == 1
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1024);
	__type(key, __u32); /* destination port below 1024 */
	__type(value, __u64);
} syns SEC(".maps");

SEC("cgroup_skb/ingress")
int count_syns(struct __sk_buff *skb)
{
	struct iphdr iph;
	struct tcphdr tcph;

	if (bpf_skb_load_bytes(skb, 0, &iph, sizeof(iph)) || iph.version != 4 || iph.protocol != IPPROTO_TCP)
		return 1;
	if (bpf_skb_load_bytes(skb, iph.ihl * 4, &tcph, sizeof(tcph)))
		return 1;
	if (!tcph.syn || tcph.ack)
		return 1;

	__u32 port = bpf_ntohs(tcph.dest);
	__u64 *n = bpf_map_lookup_elem(&syns, &port);
	if (n) /* NULL for ports of 1024 and up */
		__sync_fetch_and_add(n, 1);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
