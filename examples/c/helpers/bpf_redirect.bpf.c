// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_redirect: forward every IPv4 frame out of one fixed interface from XDP.
//
// The helper only records the target and returns XDP_REDIRECT (or, with an
// unknown flag, XDP_ABORTED); the frame is sent when the program returns that
// value. The target ifindex is read-only data set by user space before load;
// 1 (the loopback device) is just a placeholder. For many targets, or to fall
// back when a target is missing, `bpf_redirect_map` with a devmap is faster.
//
// bpfspec: run retval=4
// bpfspec: expect-map redirected[0] == 1
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u32 out_ifindex = 1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} redirected SEC(".maps");

SEC("xdp")
int forward(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	long action = bpf_redirect(out_ifindex, 0);
	if (action == XDP_REDIRECT) {
		__u32 key = 0;
		__u64 *n = bpf_map_lookup_elem(&redirected, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return action;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
