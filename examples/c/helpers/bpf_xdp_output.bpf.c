// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_xdp_output: copy XDP frames to user space from a tracing program, for packet capture.
//
// XDP programs cannot be observed with tcpdump, because they run before the stack's
// capture hooks. A tracing program can: here an fentry program on xdp_do_redirect sees
// each frame an XDP program redirects and sends a metadata record plus the frame's first
// bytes through a perf event array. The number of frame bytes to append goes in the upper
// 32 bits of the flags; the lower bits pick the CPU's ring. The helper needs a typed
// struct xdp_buff pointer, which only fentry/fexit (including on XDP programs themselves,
// as xdpdump does) provide.
//
// bpfspec: check-only fentry programs are refused with EPERM on this host
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define SNAP_LEN 128

struct net_device {
	int ifindex;
} __attribute__((preserve_access_index));

struct xdp_buff {
	void *data;
	void *data_end;
} __attribute__((preserve_access_index));

struct bpf_prog;

struct frame_meta {
	__u32 ifindex;
	__u32 frame_len;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} frames SEC(".maps");

SEC("fentry/xdp_do_redirect")
int BPF_PROG(capture_redirect, struct net_device *dev, struct xdp_buff *xdp, struct bpf_prog *prog)
{
	struct frame_meta meta = {};
	__u64 len = xdp->data_end - xdp->data;
	__u64 snap = len < SNAP_LEN ? len : SNAP_LEN;

	meta.ifindex = dev->ifindex;
	meta.frame_len = len;
	bpf_xdp_output(xdp, &frames, BPF_F_CURRENT_CPU | (snap << 32), &meta, sizeof(meta));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
