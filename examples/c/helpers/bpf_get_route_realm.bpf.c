// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_route_realm: account egress traffic per routing realm (`ip route ... realm N`).
//
// The realm comes from the route attached to the packet, so it is only known
// on egress (tc egress, lwt) once routing is done, and needs CONFIG_IP_ROUTE_CLASSID.
// Without a route, as in a test run, the helper gives 0. Bytes are added per
// realm; slot 0 therefore holds the test packet's 64 bytes.
//
// bpfspec: run retval=0
// bpfspec: expect-map realm_bytes[0] == 64
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define MAX_REALMS 256

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_REALMS);
	__type(key, __u32);
	__type(value, __u64);
} realm_bytes SEC(".maps");

SEC("tc")
int realm_accounting(struct __sk_buff *skb)
{
	/* The low 16 bits are the destination realm, the high 16 the source realm. */
	__u32 realm = bpf_get_route_realm(skb) & 0xffff;
	if (realm >= MAX_REALMS)
		return TC_ACT_OK;
	__u64 *bytes = bpf_map_lookup_elem(&realm_bytes, &realm);
	if (bytes)
		__sync_fetch_and_add(bytes, skb->len);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
