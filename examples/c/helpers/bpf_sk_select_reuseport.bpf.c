// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sk_select_reuseport: choose which socket of an SO_REUSEPORT group gets a new connection.
//
// Several worker processes each bind a socket to the same port with
// SO_REUSEPORT; user space puts them in a REUSEPORT_SOCKARRAY and attaches
// this program to the group. Instead of the kernel's hash, the program keeps
// a flow on the same worker by its hash modulo the number of workers, and
// falls back to the kernel's choice when the slot is empty.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define WORKERS 4

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} fallbacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_REUSEPORT_SOCKARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, WORKERS);
} workers SEC(".maps");

SEC("sk_reuseport")
int pick_worker(struct sk_reuseport_md *reuse)
{
	__u32 idx = reuse->hash % WORKERS;

	/* flags must be 0; -ENOENT means no socket in that slot */
	if (bpf_sk_select_reuseport(reuse, &workers, &idx, 0)) {
		/* SK_PASS without a selection: the kernel picks a socket itself */
		__u32 key = 0;
		__u64 *n = bpf_map_lookup_elem(&fallbacks, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return SK_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
