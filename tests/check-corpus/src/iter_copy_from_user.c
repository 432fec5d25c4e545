// expect: reject sleepable-only bpf_copy_from_user
#include "common.h"

struct seq_file;
struct task_struct;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __attribute__((preserve_access_index));

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

SEC("iter/task")
int read_user(struct bpf_iter__task *ctx)
{
	char buf[8];

	if (!ctx->task)
		return 0;
	bpf_copy_from_user(buf, sizeof(buf), (void *)0);
	return 0;
}

LICENSE("GPL");
