// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_task_pt_regs: read the user-space registers a task saved when it entered the kernel.
//
// The helper returns a BTF pointer to the task's saved register frame, so its fields
// can be read directly, without bpf_probe_read_kernel. A raw tracepoint on sys_enter
// uses it to sample where in user space each system call came from. Register names are
// architecture-specific; the struct below uses the x86-64 ones and CO-RE finds their
// offsets. In a test run the task is the caller, so the saved user ip is non-zero.
//
// bpfspec: run-input none
// bpfspec: run retval=0
// bpfspec: expect-map user_ip[0] != 0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pt_regs {
	unsigned long ip;
	unsigned long sp;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} user_ip SEC(".maps");

SEC("raw_tp/sys_enter")
int sample_syscall_site(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	__u32 key = 0;
	__u64 ip = regs->ip, sp = regs->sp;

	bpf_map_update_elem(&user_ip, &key, &ip, BPF_ANY);
	key = 1;
	bpf_map_update_elem(&user_ip, &key, &sp, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
