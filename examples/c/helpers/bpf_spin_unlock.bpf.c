// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_spin_unlock: release the map-value lock on each path out of a critical section.
//
// The tc program tracks the smallest and largest packet size per protocol in a
// hash map. The critical section has two branches, and both must drop the lock
// before the program goes on: returning, or calling a helper, while holding it
// makes the verifier refuse the load.
//
// bpfspec: run retval=0
// bpfspec: expect-map sizes[2048] == 64
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct range {
	__u64 min; /* first: the harness and bpftool read the first 8 bytes */
	__u64 max;
	struct bpf_spin_lock lock;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32); /* EtherType, host byte order */
	__type(value, struct range);
	__uint(max_entries, 64);
} sizes SEC(".maps");

SEC("tc")
int size_range(struct __sk_buff *skb)
{
	__u32 proto = bpf_ntohs(skb->protocol);
	__u64 len = skb->len;

	/* the first packet of a protocol creates its entry; later ones get -EEXIST, which is fine */
	struct range fresh = { .min = ~0ULL, .max = 0 };
	bpf_map_update_elem(&sizes, &proto, &fresh, BPF_NOEXIST);

	struct range *r = bpf_map_lookup_elem(&sizes, &proto);
	if (!r)
		return TC_ACT_OK;

	bpf_spin_lock(&r->lock);
	if (len < r->min) {
		r->min = len;
		bpf_spin_unlock(&r->lock);
	} else {
		if (len > r->max)
			r->max = len;
		bpf_spin_unlock(&r->lock);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
