// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_dynptr_write: rewrite packet bytes through an XDP dynptr and send the frame back.
//
// The write lands in the packet wherever the bytes are, linear part or fragment, and
// fails cleanly when the range is out of bounds or the dynptr is read-only. A write
// through a packet dynptr invalidates packet pointers taken earlier, so keep values
// on the stack. The program swaps the Ethernet addresses and returns XDP_TX; the test
// reads back the new destination's first byte (0x02, the old source's).
//
// bpfspec: run retval=3
// bpfspec: expect-map first_dst_byte[0] == 2
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

extern int bpf_dynptr_from_xdp(struct xdp_md *xdp, __u64 flags, struct bpf_dynptr *ptr) __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} first_dst_byte SEC(".maps");

SEC("xdp")
int swap_macs(struct xdp_md *ctx)
{
	struct bpf_dynptr pkt;
	__u8 dst[ETH_ALEN], src[ETH_ALEN];
	__u32 key = 0;
	__u64 val;

	if (bpf_dynptr_from_xdp(ctx, 0, &pkt))
		return XDP_PASS;
	if (bpf_dynptr_read(dst, ETH_ALEN, &pkt, 0, 0) || bpf_dynptr_read(src, ETH_ALEN, &pkt, ETH_ALEN, 0))
		return XDP_PASS;
	if (bpf_dynptr_write(&pkt, 0, src, ETH_ALEN, 0) || bpf_dynptr_write(&pkt, ETH_ALEN, dst, ETH_ALEN, 0))
		return XDP_ABORTED;

	if (bpf_dynptr_read(dst, 1, &pkt, 0, 0))
		return XDP_ABORTED;
	val = dst[0];
	bpf_map_update_elem(&first_dst_byte, &key, &val, BPF_ANY);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
