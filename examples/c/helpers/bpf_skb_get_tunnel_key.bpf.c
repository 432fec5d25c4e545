// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skb_get_tunnel_key: count packets per tunnel id at ingress of a collect-metadata tunnel device.
//
// On a device created in "external" (collect_md) mode, such as
// `ip link add vx0 type vxlan external`, every received packet carries the
// outer header's fields as metadata; this helper copies them into a
// struct bpf_tunnel_key. Pass sizeof(struct bpf_tunnel_key) and flags 0 for an
// IPv4 outer header (BPF_F_TUNINFO_IPV6 for IPv6). A packet that did not come
// from such a device has no metadata and the helper fails (slot 0 of `errors`
// counts those; the test packet is one of them).
//
// bpfspec: run retval=0
// bpfspec: expect-map errors[0] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* tunnel id (VNI) */
	__type(value, __u64);
} per_tunnel SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} errors SEC(".maps");

SEC("tc")
int tunnel_ingress(struct __sk_buff *skb)
{
	struct bpf_tunnel_key key = {};
	__u32 zero = 0;
	__u64 *n;

	if (bpf_skb_get_tunnel_key(skb, &key, sizeof(key), 0) < 0) {
		n = bpf_map_lookup_elem(&errors, &zero);
		if (n)
			__sync_fetch_and_add(n, 1);
		return TC_ACT_OK;
	}

	/* key.remote_ipv4 (host order) says which peer sent it; here only the id is counted. */
	__u32 id = key.tunnel_id;
	n = bpf_map_lookup_elem(&per_tunnel, &id);
	if (n) {
		__sync_fetch_and_add(n, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&per_tunnel, &id, &one, BPF_NOEXIST);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
