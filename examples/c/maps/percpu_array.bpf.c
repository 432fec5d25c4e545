// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_PERCPU_ARRAY: per-CPU packet counters and a scratch buffer, no atomics needed.
//
// Each CPU has its own copy of every slot, and a program runs to its end on one CPU, so a
// plain `+=` is safe. Slot 0 counts packets; the second map shows
// the other common use, a per-CPU scratch area larger than the 512-byte BPF stack. User
// space reading a slot gets one value per possible CPU (round_up(value_size, 8) bytes each)
// and adds them up, as `bpftool map lookup` shows.
//
// bpfspec: run retval=2
// bpfspec: expect-map packets[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} packets SEC(".maps");

struct scratch {
	__u8 bytes[1024];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct scratch);
	__uint(max_entries, 1);
} scratch_space SEC(".maps");

SEC("xdp")
int count_per_cpu(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *count = bpf_map_lookup_elem(&packets, &zero);
	struct scratch *buf = bpf_map_lookup_elem(&scratch_space, &zero);

	if (!count || !buf)
		return XDP_ABORTED;
	*count += 1;
	/* The buffer keeps its contents between runs on this CPU: initialise what you read. */
	buf->bytes[0] = 0;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
