// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ima_inode_hash: report the IMA measurement of every program that is executed.
//
// The helper copies the hash IMA keeps for an inode (if IMA has measured it under its
// policy) and returns the hash algorithm id, or -EOPNOTSUPP when there is no cached
// hash. It may sleep, so only sleepable LSM programs (SEC("lsm.s/...")) can call it.
// Here every successful exec sends the hash of the executable to user space through a
// ring buffer. Prefer bpf_ima_file_hash, which can measure on demand.
//
// bpfspec: check-only LSM programs fail to load with EPERM on this host
// bpfspec: cflags -D__TARGET_ARCH_x86
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define HASH_MAX 64 /* enough for SHA-512 */

struct inode;

struct file {
	struct inode *f_inode;
} __attribute__((preserve_access_index));

struct linux_binprm {
	struct file *file;
} __attribute__((preserve_access_index));

struct exec_hash {
	__s64 algo;
	__u8 digest[HASH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} exec_hashes SEC(".maps");

SEC("lsm.s/bprm_committed_creds")
void BPF_PROG(hash_exec, struct linux_binprm *bprm)
{
	struct exec_hash *ev = bpf_ringbuf_reserve(&exec_hashes, sizeof(*ev), 0);

	if (!ev)
		return;
	ev->algo = bpf_ima_inode_hash(bprm->file->f_inode, ev->digest, sizeof(ev->digest));
	if (ev->algo < 0) {
		bpf_ringbuf_discard(ev, 0); /* not measured by IMA */
		return;
	}
	bpf_ringbuf_submit(ev, 0);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
