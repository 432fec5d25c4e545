// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_btf_find_by_name_kind: resolve a kernel type's BTF id from a syscall program.
//
// A loader program needs BTF ids for fields such as attach_btf_id when it loads other
// programs with bpf_sys_bpf. The helper searches vmlinux and module BTF; the low 32 bits
// of the result are the type id and the high 32 bits the id of the BTF object that
// holds it (vmlinux or a module). struct task_struct is always in vmlinux, so the test
// expects a positive type id.
//
// bpfspec: run-input none
// bpfspec: run retval=0
// bpfspec: expect-map type_id[0] > 0
#include <linux/bpf.h>
#include <linux/btf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} type_id SEC(".maps");

SEC("syscall")
int find_task_struct(void *ctx)
{
	static const char name[] = "task_struct";
	__u32 key = 0;
	__u64 id, obj;
	long ret;

	ret = bpf_btf_find_by_name_kind((char *)name, sizeof(name), BTF_KIND_STRUCT, 0);
	if (ret < 0)
		return 1;
	id = ret & 0xffffffff;
	obj = (__u64)ret >> 32;
	bpf_map_update_elem(&type_id, &key, &id, BPF_ANY);
	key = 1;
	bpf_map_update_elem(&type_id, &key, &obj, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
