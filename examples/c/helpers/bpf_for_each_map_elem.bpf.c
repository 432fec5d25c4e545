// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_for_each_map_elem: walk every element of an array map from inside a program.
//
// The callback gets the map, a pointer to the key, a pointer to the value and a context
// pointer on the caller's stack; returning 1 stops the walk. Here a socket filter fills
// four counters, then sums them with one walk. For an array the walk visits all
// max_entries slots, so the test expects 4 visits and a total of 4 (one per slot).
//
// bpfspec: run retval=0
// bpfspec: expect-map summary[0] == 4
// bpfspec: expect-map summary[1] == 4
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SLOTS 4

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, SLOTS);
} counters SEC(".maps");

/* summary[0] = elements visited, summary[1] = sum of their values. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} summary SEC(".maps");

struct bpf_map;

struct walk_state {
	__u64 visited;
	__u64 total;
};

static long add_counter(struct bpf_map *map, __u32 *key, __u64 *value, struct walk_state *st)
{
	st->visited++;
	st->total += *value;
	return 0; /* 0 = continue with the next element */
}

SEC("socket")
int sum_counters(struct __sk_buff *skb)
{
	struct walk_state st = {};
	__u32 k;

	/* Give every slot a value so the walk has something to add. */
	for (int i = 0; i < SLOTS; i++) {
		__u32 slot = i;
		__u64 *v = bpf_map_lookup_elem(&counters, &slot);

		if (v)
			*v = 1;
	}

	bpf_for_each_map_elem(&counters, add_counter, &st, 0);

	k = 0;
	bpf_map_update_elem(&summary, &k, &st.visited, BPF_ANY);
	k = 1;
	bpf_map_update_elem(&summary, &k, &st.total, BPF_ANY);
	return 0; /* socket filter: keep 0 bytes, i.e. drop */
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
