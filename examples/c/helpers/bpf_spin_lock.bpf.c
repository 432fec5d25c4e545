// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_spin_lock: keep a packet counter and a byte counter consistent with each other.
//
// Two atomic adds could be seen half-done by a reader; taking the lock that is
// embedded in the map value makes the pair change together (user space reads
// it consistently with BPF_F_LOCK). The verifier insists on one lock held at a
// time, no helper calls while it is held, and an unlock on every path.
//
// bpfspec: run retval=2
// bpfspec: expect-map totals[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct totals {
	__u64 packets;
	__u64 bytes;
	struct bpf_spin_lock lock; /* the value type needs BTF, which BTF-defined maps give */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct totals);
	__uint(max_entries, 1);
} totals SEC(".maps");

SEC("xdp")
int count_locked(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct totals *t = bpf_map_lookup_elem(&totals, &key);
	if (!t)
		return XDP_PASS;

	__u64 len = ctx->data_end - ctx->data; /* read the context before taking the lock */
	bpf_spin_lock(&t->lock);
	t->packets++;
	t->bytes += len;
	bpf_spin_unlock(&t->lock);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
