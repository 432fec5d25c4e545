// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_skc_to_unix_sock: list the Unix domain sockets each process holds open.
//
// The skc_to_* helpers are checked casts: given any socket pointer they return the
// requested protocol's struct, or NULL when the socket is of another kind, so the result
// must be NULL-checked before use. Here a task_file iterator goes file -> socket (with
// bpf_sock_from_file) -> sock and keeps only AF_UNIX sockets, printing pid, fd and
// whether the socket is bound to an address. Iterators are not test-run, so the example
// is only loaded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct seq_file;
struct file;
struct sock;
struct unix_address;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct task_struct {
	int tgid;
} __attribute__((preserve_access_index));

struct socket {
	struct sock *sk;
} __attribute__((preserve_access_index));

struct unix_sock {
	struct unix_address *addr;
} __attribute__((preserve_access_index));

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __attribute__((preserve_access_index));

SEC("iter/task_file")
int list_unix_sockets(struct bpf_iter__task_file *ctx)
{
	static const char fmt[] = "pid %d fd %u unix bound=%d\n";
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct unix_sock *usk;
	struct socket *sock;
	__u64 args[3];

	if (!task || !file)
		return 0;
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	usk = bpf_skc_to_unix_sock(sock->sk);
	if (!usk)
		return 0; /* a socket, but not AF_UNIX */
	args[0] = task->tgid;
	args[1] = ctx->fd;
	args[2] = usk->addr != NULL;
	bpf_seq_printf(seq, fmt, sizeof(fmt), args, sizeof(args));
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
