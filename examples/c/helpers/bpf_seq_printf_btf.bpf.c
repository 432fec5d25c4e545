// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_seq_printf_btf: dump kernel objects as typed text from an iterator, with no format string.
//
// Given a pointer and the kernel BTF ID of its type, the helper prints every field by name
// into the iterator's output, the way bpf_snprintf_btf prints into a buffer. Here each task's
// credentials (struct cred: uids, gids, capabilities) are shown in full, which is handy when
// you do not know yet which fields matter. bpf_core_type_id_kernel() has libbpf put the
// kernel's type ID in at load time. BTF_F_COMPACT keeps each object on one line.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __attribute__((preserve_access_index));

/* Declared only so its name can be relocated to the kernel's type ID. */
struct cred {
	int usage;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	const struct cred *cred;
} __attribute__((preserve_access_index));

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

SEC("iter/task")
int dump_creds(struct bpf_iter__task *ctx)
{
	static const char fmt[] = "%d: ";
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct btf_ptr p = {};
	__u64 pid;

	if (!task)
		return 0;
	pid = task->pid;
	bpf_seq_printf(seq, fmt, sizeof(fmt), &pid, sizeof(pid));

	p.ptr = (void *)task->cred;
	p.type_id = bpf_core_type_id_kernel(struct cred);
	bpf_seq_printf_btf(seq, &p, sizeof(p), BTF_F_COMPACT);
	bpf_seq_write(seq, "\n", 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
