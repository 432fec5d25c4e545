// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_local_storage: per-cgroup packet and byte counters with no key lookup.
//
// A CGROUP_STORAGE map gives each cgroup the program is attached to its own
// value; the helper returns a pointer to the one of the running attachment,
// never NULL, so no check is needed (flags must be 0). User space reads it by
// cgroup id and attach type. The program also copies the packet count into an
// array so a test run (which creates the storage itself) can be checked.
//
// bpfspec: run retval=1
// bpfspec: expect-map last_count[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counters {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_STORAGE);
	__type(key, struct bpf_cgroup_storage_key);
	__type(value, struct counters);
} per_cgroup SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} last_count SEC(".maps");

SEC("cgroup_skb/egress")
int cgroup_traffic(struct __sk_buff *skb)
{
	struct counters *c = bpf_get_local_storage(&per_cgroup, 0);
	__u64 packets = __sync_add_and_fetch(&c->packets, 1);
	__sync_fetch_and_add(&c->bytes, skb->len);

	__u32 key = 0;
	bpf_map_update_elem(&last_count, &key, &packets, BPF_ANY);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
