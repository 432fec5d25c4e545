// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_seq_write: emit fixed-size binary records from a BPF iterator for a program to parse.
//
// Text is convenient for people; a tool that reads a pinned iterator is better served by
// binary records it can cast to a struct, with no parsing and no formatting cost. Each
// task becomes one struct task_rec in the iterator's output. bpf_seq_write copies bytes
// as they are; it fails with -EOVERFLOW when the record does not fit in what is left of
// the seq buffer, and the iterator then retries the same object in the next read.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	unsigned int flags;
	__u64 utime;
	__u64 stime;
} __attribute__((preserve_access_index));

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

/* The layout user space reads; keep it free of implicit padding. */
struct task_rec {
	__s32 tgid;
	__s32 tid;
	__u64 cpu_ns; /* user + system time */
	__u32 flags;
	__u32 pad;
};

SEC("iter/task")
int dump_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct task_rec rec = {};

	if (!task)
		return 0;
	rec.tgid = task->tgid;
	rec.tid = task->pid;
	rec.cpu_ns = task->utime + task->stime;
	rec.flags = task->flags;
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
