// expect: reject helper-not-allowed bpf_redirect
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
int bounce(struct bpf_iter__task *ctx)
{
	return bpf_redirect(1, 0) != 0;
}

LICENSE("GPL");
