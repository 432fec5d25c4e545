// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_CGROUP_STORAGE: a byte counter per cgroup an egress cgroup_skb program is attached to.
//
// The kernel creates one value per (cgroup, attach type) when the program is attached, and
// bpf_get_local_storage() returns it directly: no lookup, no NULL check, no key in the
// program. User space reads it with a struct bpf_cgroup_storage_key (cgroup inode id and
// attach type) as the key. For new code BPF_MAP_TYPE_CGRP_STORAGE is usually the better
// choice: it is not tied to attachments and any program type with a cgroup can use it.
//
// bpfspec: run retval=1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_STORAGE);
	__type(key, struct bpf_cgroup_storage_key);
	__type(value, __u64); /* bytes sent */
} egress_bytes SEC(".maps");

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	__u64 *bytes = bpf_get_local_storage(&egress_bytes, 0);

	/* Shared by every CPU running this program for the cgroup: add atomically. */
	__sync_fetch_and_add(bytes, skb->len);
	return 1; /* let the packet go */
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
