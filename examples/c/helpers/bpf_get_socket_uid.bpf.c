// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_socket_uid: limit which users may send traffic from a cgroup, and count packets per user.
//
// The helper gives the UID that owns the packet's socket (the creator's, or
// the one set for it), in the initial user namespace. Packets without a full
// socket, such as some replies the kernel sends itself, get the overflow UID
// (usually 65534). `blocked` is filled by user space; a UID found there has its
// packets dropped. The test run's placeholder socket belongs to root (UID 0).
//
// bpfspec: run retval=1
// bpfspec: expect-map per_uid[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* UID */
	__type(value, __u64);
} per_uid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32); /* UID */
	__type(value, __u8);
} blocked SEC(".maps");

SEC("cgroup_skb/egress")
int uid_filter(struct __sk_buff *skb)
{
	__u32 uid = bpf_get_socket_uid(skb);

	if (bpf_map_lookup_elem(&blocked, &uid))
		return 0; /* drop */

	__u64 *n = bpf_map_lookup_elem(&per_uid, &uid);
	if (n) {
		__sync_fetch_and_add(n, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&per_uid, &uid, &one, BPF_NOEXIST);
	}
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
