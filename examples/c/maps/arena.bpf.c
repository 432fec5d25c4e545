// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_ARENA: memory pages shared by BPF programs and user space at the same addresses.
//
// An arena is a range of up to 4 GiB of pages (max_entries counts pages) that programs
// allocate with the bpf_arena_alloc_pages() kfunc and release with bpf_arena_free_pages().
// User space mmaps the map and sees the same pages at the same addresses, so pointer-linked
// data structures work on both sides. The map needs BPF_F_MMAPABLE, and before a program
// using it can load, its user address must be fixed, by mmap() or, as here, by map_extra.
// Dereferencing arena pointers in C needs clang 18 or newer (address_space(1) pointers);
// this example builds with older compilers, so it only allocates a page, records the
// address user space will find it at, and returns 0.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map page_address[0] == 268435456
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpfspec_uapi.h"

#define ARENA_USER_START 0x10000000 /* below 4 GiB, page aligned; user space maps it here */

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16); /* pages */
	__uint(map_extra, ARENA_USER_START);
} arena SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} page_address SEC(".maps");

extern void *bpf_arena_alloc_pages(void *map, void *addr, __u32 page_cnt, int node_id, __u64 flags) __ksym;
extern void bpf_arena_free_pages(void *map, void *ptr, __u32 page_cnt) __ksym;

#define NUMA_NO_NODE (-1)

SEC("syscall")
int grab_page(void *ctx)
{
	__u32 zero = 0;
	__u64 *slot = bpf_map_lookup_elem(&page_address, &zero);
	if (!slot)
		return -1;

	void *page = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
	if (!page)
		return -1; /* the arena is full */
	if (*slot) {
		/* Someone published a page before us: give ours back. */
		bpf_arena_free_pages(&arena, page, 1);
		return 0;
	}
	*slot = (__u64)page;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
