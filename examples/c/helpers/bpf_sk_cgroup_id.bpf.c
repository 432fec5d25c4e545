// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sk_cgroup_id: account traffic to the cgroup that owns the socket, not the one running now.
//
// In softirq context the "current" task is unrelated to the packet, so
// bpf_get_current_cgroup_id would blame the wrong workload. The socket remembers the cgroup
// v2 group of the process that created it, and this helper returns that group's ID. The
// program counts bytes per socket cgroup; user space maps IDs to paths with
// name_to_handle_at() on the cgroup directory.
//
// bpfspec: run retval=1
// bpfspec: expect-map last_id[0] > 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Key: cgroup v2 ID; value: bytes sent. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);
	__type(value, __u64);
	__uint(max_entries, 1024);
} bytes_by_cgroup SEC(".maps");

/* Slot 0: the cgroup ID of the last packet's socket. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} last_id SEC(".maps");

SEC("cgroup_skb/egress")
int bytes_per_cgroup(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	__u64 id, len = skb->len, *total, *last;
	__u32 zero = 0;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk); /* the helper needs a full socket */
	if (!sk)
		return 1;
	id = bpf_sk_cgroup_id(sk);

	total = bpf_map_lookup_elem(&bytes_by_cgroup, &id);
	if (total)
		__sync_fetch_and_add(total, len);
	else
		bpf_map_update_elem(&bytes_by_cgroup, &id, &len, BPF_NOEXIST);
	last = bpf_map_lookup_elem(&last_id, &zero);
	if (last)
		*last = id;
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
