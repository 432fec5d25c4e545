// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_xdp_adjust_tail: cut a packet down to its headers before passing it on.
//
// A negative delta moves ctx->data_end towards the start (a positive one grows
// the frame into the tailroom). Here everything after the 54 bytes of
// Ethernet + IPv4 + TCP headers is dropped, as a sampler would do before
// mirroring only headers; the new length is recorded. As with every helper
// that changes the packet, pointers taken before the call must be reloaded.
//
// bpfspec: run retval=2
// bpfspec: expect-map new_len[0] == 54
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>

#define HDRS (sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct tcphdr))

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} new_len SEC(".maps");

SEC("xdp")
int keep_headers(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	long len = data_end - data;

	if (len <= (long)HDRS)
		return XDP_PASS;
	if (bpf_xdp_adjust_tail(ctx, (int)(HDRS - len)))
		return XDP_ABORTED;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	__u32 key = 0;
	__u64 now = data_end - data;
	bpf_map_update_elem(&new_len, &key, &now, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
