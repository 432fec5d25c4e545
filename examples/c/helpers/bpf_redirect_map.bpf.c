// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_redirect_map: send each frame to the port chosen by its IPv4 destination, or pass it up.
//
// User space fills the devmap `ports` with interface indexes. The low bits of
// the flags are the action returned when the slot is empty; XDP_PASS here, so
// frames for unconfigured slots go to the normal stack instead of being
// dropped. With an empty map (as in a test run) the fallback is taken.
//
// bpfspec: run retval=2
// bpfspec: expect-map fallbacks[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define NUM_PORTS 16

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, NUM_PORTS);
	__type(key, __u32);
	__type(value, __u32); /* ifindex */
} ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} fallbacks SEC(".maps");

SEC("xdp")
int switch_by_dst(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	/* The last byte of the destination address picks the port. */
	__u32 port = (bpf_ntohl(iph->daddr) & 0xff) % NUM_PORTS;
	long action = bpf_redirect_map(&ports, port, XDP_PASS);
	if (action == XDP_PASS) {
		__u32 key = 0;
		__u64 *n = bpf_map_lookup_elem(&fallbacks, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return action;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
