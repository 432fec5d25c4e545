// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_probe_read_kernel_str: copy a NUL-terminated kernel string, here the calling task's name.
//
// The helper stops at the first NUL, always terminates the destination, and returns the
// number of bytes copied including the NUL (or a negative error). That return value is the
// right length to send to user space. For a fixed-size field such as `comm`, the string
// variant also avoids copying stale bytes after the terminator.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map name_len[0] > 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TASK_COMM_LEN 16

struct task_struct {
	char comm[TASK_COMM_LEN];
} __attribute__((preserve_access_index));

struct name {
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct name);
	__uint(max_entries, 1);
} names SEC(".maps");

/* Slot 0: what the last copy returned (length with the NUL, or -errno). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __s64);
	__uint(max_entries, 1);
} name_len SEC(".maps");

SEC("syscall")
int caller_name(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 zero = 0;
	struct name *n = bpf_map_lookup_elem(&names, &zero);
	__s64 *len = bpf_map_lookup_elem(&name_len, &zero);

	if (!n || !len)
		return 0;
	*len = bpf_probe_read_kernel_str(n->comm, sizeof(n->comm), &task->comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
