// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_check_mtu: ask whether a packet would fit the MTU of the device it is headed for.
//
// With ifindex 0 the helper uses the device the XDP program runs on and, when called with
// len_diff 0, writes that device's MTU back into mtu_len. A program that grows a packet
// (encapsulation) passes the growth as len_diff and gets BPF_MTU_CHK_RET_FRAG_NEEDED
// instead of 0 when it would not fit. The test run happens on loopback, whose MTU is
// large, so the recorded MTU is at least 1280 bytes.
//
// bpfspec: run retval=2
// bpfspec: expect-map mtu_seen[0] >= 1280
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} mtu_seen SEC(".maps");

/* Bytes an IPv4-in-IPv4 tunnel would add in front of the packet. */
#define ENCAP_OVERHEAD 20

SEC("xdp")
int check_room_for_encap(struct xdp_md *ctx)
{
	__u32 key = 0, mtu = 0;
	__u64 *slot;

	/* First call: len_diff 0 only reports the MTU of the current device. */
	if (bpf_check_mtu(ctx, 0, &mtu, 0, 0) != BPF_MTU_CHK_RET_SUCCESS)
		return XDP_PASS;
	slot = bpf_map_lookup_elem(&mtu_seen, &key);
	if (slot)
		*slot = mtu;

	/* Second call: would the packet still fit after encapsulation? */
	mtu = 0;
	if (bpf_check_mtu(ctx, 0, &mtu, ENCAP_OVERHEAD, 0) == BPF_MTU_CHK_RET_FRAG_NEEDED)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
