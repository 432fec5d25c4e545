// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_seq_printf: write one formatted text line per task from a BPF task iterator.
//
// A BPF iterator turns a kernel walk into a file: once the program is pinned (bpftool iter
// pin OBJ /sys/fs/bpf/tasks), every read(2) of the pin runs the program once per task and
// returns what it printed, like a custom /proc file. The format arguments are passed as an
// array of u64 values (at most 12), with the array's size in bytes; libbpf's BPF_SEQ_PRINTF
// macro builds that array for you. The format must be a constant string, checked at load.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TASK_COMM_LEN 16

struct seq_file;

/* Our own views of the iterator context and the task; CO-RE maps them onto the kernel's. */
struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	char comm[TASK_COMM_LEN];
} __attribute__((preserve_access_index));

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

SEC("iter/task")
int list_tasks(struct bpf_iter__task *ctx)
{
	static const char header[] = "  tgid    tid comm\n";
	static const char line[] = "%6d %6d %s\n";
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	__u64 args[3];

	/* The program runs once more with task == NULL when the walk is over. */
	if (!task)
		return 0;
	if (ctx->meta->seq_num == 0)
		bpf_seq_printf(seq, header, sizeof(header), NULL, 0);

	args[0] = task->tgid;
	args[1] = task->pid;
	args[2] = (__u64)(long)task->comm; /* %s takes a kernel address */
	bpf_seq_printf(seq, line, sizeof(line), args, sizeof(args));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
