// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_find_vma: look up the memory mapping that contains a user address.
//
// The helper finds the VMA of a task that covers an address and calls back with it
// while the mm is locked; the VMA pointer is valid only inside the callback, so copy
// what you need into the context struct. A profiler uses this to map a sampled ip to
// its executable mapping. Here the address is the caller's saved user ip, which must
// lie in a mapping, so the test expects a hit.
//
// bpfspec: run-input none
// bpfspec: run retval=0
// bpfspec: expect-map vma_found[0] == 1
// bpfspec: expect-map vma_found[1] > 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pt_regs {
	unsigned long ip;
} __attribute__((preserve_access_index));

struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
} __attribute__((preserve_access_index));

/* vma_found[0] = 1 if the callback ran, [1] = size of the mapping in bytes. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} vma_found SEC(".maps");

struct vma_info {
	__u64 start;
	__u64 end;
};

static long save_vma(struct task_struct *task, struct vm_area_struct *vma, struct vma_info *info)
{
	info->start = vma->vm_start;
	info->end = vma->vm_end;
	return 0;
}

SEC("raw_tp/sys_enter")
int locate_ip(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	struct vma_info info = {};
	__u32 key = 0;
	__u64 val;

	if (bpf_find_vma(task, regs->ip, save_vma, &info, 0))
		return 0; /* -ENOENT: no mapping, -EBUSY: mm lock contended */
	val = 1;
	bpf_map_update_elem(&vma_found, &key, &val, BPF_ANY);
	key = 1;
	val = info.end - info.start;
	bpf_map_update_elem(&vma_found, &key, &val, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
