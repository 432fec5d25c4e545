// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sock_from_file: find which open files of each process are sockets, from an iterator.
//
// The task_file iterator visits every (task, fd, file) triple. bpf_sock_from_file returns
// the struct socket behind a file, or NULL when the file is not a socket, so it works as
// a type test too. The program writes one line per socket fd into the iterator's output
// (read it with `bpftool iter pin` and cat). Iterators are not test-run, so the example
// is only loaded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct seq_file;
struct file;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct task_struct {
	int tgid;
} __attribute__((preserve_access_index));

struct socket {
	short type;
} __attribute__((preserve_access_index));

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __attribute__((preserve_access_index));

SEC("iter/task_file")
int list_socket_fds(struct bpf_iter__task_file *ctx)
{
	static const char fmt[] = "pid %d fd %u socket type %d\n";
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct socket *sock;
	__u64 args[3];

	if (!task || !file)
		return 0; /* the last call of an iteration has no element */
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	args[0] = task->tgid;
	args[1] = ctx->fd;
	args[2] = sock->type;
	bpf_seq_printf(seq, fmt, sizeof(fmt), args, sizeof(args));
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
