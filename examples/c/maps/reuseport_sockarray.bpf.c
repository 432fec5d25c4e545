// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_REUSEPORT_SOCKARRAY: choose which socket of an SO_REUSEPORT group takes a connection.
//
// User space opens several listening sockets on one port with SO_REUSEPORT, stores them at
// indexes of the array, and attaches an sk_reuseport program to the group
// (SO_ATTACH_REUSEPORT_EBPF). For each new connection the program picks an index and calls
// bpf_sk_select_reuseport(); if that fails it falls back to the kernel's own hash choice.
// This type of program cannot be test-run, so the example is only loaded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define WORKERS 4

struct {
	__uint(type, BPF_MAP_TYPE_REUSEPORT_SOCKARRAY);
	__type(key, __u32);
	__type(value, __u64); /* a socket fd when written, its cookie when read */
	__uint(max_entries, WORKERS);
} workers SEC(".maps");

SEC("sk_reuseport")
int pick_worker(struct sk_reuseport_md *md)
{
	/* The kernel's flow hash keeps one client on one worker. */
	__u32 index = md->hash % WORKERS;

	if (bpf_sk_select_reuseport(md, &workers, &index, 0) == 0)
		return SK_PASS;
	return SK_PASS; /* empty slot: no selection made, the kernel picks a socket itself */
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
