// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_ARRAY: fixed slots of counters that an XDP program bumps for every packet.
//
// Slot 0 counts packets and slot 1 counts bytes. Every slot exists from the start and holds
// zeros, so a lookup with an index below max_entries never fails; the NULL check stays,
// since older verifiers demand it even then. User space reads the slots with
// BPF_MAP_LOOKUP_ELEM (`bpftool map dump`), or maps the array into its memory when it is
// created with BPF_F_MMAPABLE.
//
// bpfspec: run retval=2
// bpfspec: expect-map stats[0] == 1
// bpfspec: expect-map stats[1] == 64
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum { STAT_PACKETS, STAT_BYTES, STAT_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, STAT_MAX);
} stats SEC(".maps");

static void add(__u32 slot, __u64 amount)
{
	__u64 *value = bpf_map_lookup_elem(&stats, &slot);

	/* Other CPUs update the same slot: add atomically. */
	if (value)
		__sync_fetch_and_add(value, amount);
}

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	add(STAT_PACKETS, 1);
	add(STAT_BYTES, ctx->data_end - ctx->data);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
