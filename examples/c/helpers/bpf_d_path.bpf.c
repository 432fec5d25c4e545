// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_d_path: turn a struct path into a full file name, here for every open file of every task.
//
// The task_file iterator visits each (task, fd, file) triple. bpf_d_path resolves the
// file's path to an absolute name, as /proc/PID/fd/N links show it, so the pinned
// iterator behaves like a faster `ls -l /proc/*/fd`. The kernel allows the helper only
// where taking the path is safe: iterators, some LSM hooks and an allow-list of traced
// functions; elsewhere the verifier rejects the program. It returns the length including
// the NUL, or a negative error (-ENAMETOOLONG when the buffer is too small).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PATH_LEN 256

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __attribute__((preserve_access_index));

struct path {
	void *mnt;
	void *dentry;
} __attribute__((preserve_access_index));

struct file {
	struct path f_path;
} __attribute__((preserve_access_index));

struct task_struct {
	int tgid;
} __attribute__((preserve_access_index));

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __attribute__((preserve_access_index));

/* Per-CPU scratch for the path: 256 bytes is a large share of the 512-byte stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, char[PATH_LEN]);
	__uint(max_entries, 1);
} scratch SEC(".maps");

SEC("iter/task_file")
int open_files(struct bpf_iter__task_file *ctx)
{
	static const char fmt[] = "%d %u %s\n";
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	__u32 zero = 0;
	char *buf;
	__u64 args[3];

	if (!task || !file)
		return 0;
	buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return 0;
	if (bpf_d_path(&file->f_path, buf, PATH_LEN) < 0)
		return 0;

	args[0] = task->tgid;
	args[1] = ctx->fd;
	args[2] = (__u64)(long)buf;
	bpf_seq_printf(ctx->meta->seq, fmt, sizeof(fmt), args, sizeof(args));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
