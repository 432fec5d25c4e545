/* Shared by the kfunc truth corpus: includes, a license macro, the iterator contexts and the
 * kfunc declarations the cases call (as `extern ... __ksym`, resolved by name through the
 * kernel's BTF when the object is loaded). The first line of each case says what the kernel is
 * expected to do with it:
 *   // expect: ok
 *   // expect: reject <code> <kfunc>
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define LICENSE(text) char _license[] SEC("license") = text

/* Kernel structs the kfuncs take, defined (not just declared): libbpf checks an extern's
 * prototype against the kernel's, and a forward declaration does not match a struct. The
 * members are never read. */
struct task_struct {
	int pid;
};
struct sock_common {
	unsigned short skc_family;
};
struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __attribute__((preserve_access_index));

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

/* `sk_common` is `void *` here: a struct pointer inside a `preserve_access_index` struct makes
 * clang emit the pointee as a forward declaration, which the kfunc prototype would then use. */
struct bpf_iter__tcp {
	struct bpf_iter_meta *meta;
	void *sk_common;
	__u32 uid;
} __attribute__((preserve_access_index));

extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern int bpf_copy_from_user_str(void *dst, __u32 dst__sz, const void *unsafe_ptr__ign, __u64 flags) __ksym;
extern int bpf_sock_destroy(struct sock_common *sock) __ksym;
