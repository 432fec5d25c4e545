// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_netns_cookie: tell network namespaces apart inside a program attached in many of them.
//
// A network namespace's cookie is a 64-bit ID that is never reused while the system runs,
// unlike its inode number. One tc program shared by the devices of several containers can
// key its statistics by the packet's namespace. With the context it returns the cookie of
// the packet's namespace; with NULL (a constant the verifier must see) that of the initial
// namespace, which lets the program spot packets from containers.
//
// bpfspec: run retval=0
// bpfspec: expect-map last_cookie[0] > 0
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* Key: namespace cookie; value: packets. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);
	__type(value, __u64);
	__uint(max_entries, 256);
} per_netns SEC(".maps");

/* 0: the last packet's namespace cookie, 1: 1 if that is the initial namespace. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} last_cookie SEC(".maps");

SEC("tc")
int count_per_netns(struct __sk_buff *skb)
{
	__u64 cookie = bpf_get_netns_cookie(skb);
	__u64 init_cookie = bpf_get_netns_cookie(NULL);
	__u32 k0 = 0, k1 = 1;
	__u64 one = 1, *n, *slot;

	n = bpf_map_lookup_elem(&per_netns, &cookie);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&per_netns, &cookie, &one, BPF_NOEXIST);

	slot = bpf_map_lookup_elem(&last_cookie, &k0);
	if (slot)
		*slot = cookie;
	slot = bpf_map_lookup_elem(&last_cookie, &k1);
	if (slot)
		*slot = cookie == init_cookie;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
