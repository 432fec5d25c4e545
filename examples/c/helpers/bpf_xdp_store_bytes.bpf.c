// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_xdp_store_bytes: bounce a packet back by swapping its Ethernet addresses.
//
// The helper writes a buffer at an offset of the XDP packet, wherever the bytes live
// (linear part or fragment), so it suits writes computed on the stack. After the swap
// the program returns XDP_TX to send the frame out of the interface it came in on. The
// test reads the first byte of the new destination MAC: the test packet's source MAC
// starts with 0x02.
//
// bpfspec: run retval=3
// bpfspec: expect-map new_dst_first_byte[0] == 2
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} new_dst_first_byte SEC(".maps");

SEC("xdp.frags")
int reflect(struct xdp_md *ctx)
{
	unsigned char macs[2 * ETH_ALEN];
	unsigned char swapped[2 * ETH_ALEN];
	__u32 key = 0;
	__u64 val;

	if (bpf_xdp_load_bytes(ctx, 0, macs, sizeof(macs)) < 0)
		return XDP_PASS;
	__builtin_memcpy(swapped, macs + ETH_ALEN, ETH_ALEN);
	__builtin_memcpy(swapped + ETH_ALEN, macs, ETH_ALEN);
	if (bpf_xdp_store_bytes(ctx, 0, swapped, sizeof(swapped)) < 0)
		return XDP_ABORTED;

	/* Read back what is now in the packet, not what we meant to write. */
	if (bpf_xdp_load_bytes(ctx, 0, macs, 1) < 0)
		return XDP_ABORTED;
	val = macs[0];
	bpf_map_update_elem(&new_dst_first_byte, &key, &val, BPF_ANY);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
