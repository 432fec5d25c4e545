// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ima_file_hash: allow exec only of binaries whose IMA hash matches a known digest.
//
// Unlike bpf_ima_inode_hash, this helper can compute the hash on demand when IMA has
// no cached measurement, so the result does not depend on the IMA policy having
// covered the file. It returns the hash algorithm id, or a negative error. It may
// sleep: only sleepable LSM programs (SEC("lsm.s/...")) may call it. Here the check
// runs in bprm_check_security and a mismatch refuses the exec with -EPERM.
//
// bpfspec: check-only LSM programs fail to load with EPERM on this host
// bpfspec: cflags -D__TARGET_ARCH_x86
#include <linux/bpf.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define DIGEST_LEN 32 /* SHA-256 */

struct file;

struct linux_binprm {
	struct file *file;
} __attribute__((preserve_access_index));

/* The one allowed digest; user space writes it (e.g. through a skeleton) before attaching. */
__u8 allowed_digest[DIGEST_LEN];
/* Set by user space to 1 once allowed_digest holds a real value. */
__u32 enforce;

SEC("lsm.s/bprm_check_security")
int BPF_PROG(check_exec_hash, struct linux_binprm *bprm)
{
	__u8 digest[DIGEST_LEN] = {};
	long algo;
	int i;

	if (!enforce)
		return 0;
	algo = bpf_ima_file_hash(bprm->file, digest, sizeof(digest));
	if (algo < 0)
		return -EPERM; /* cannot measure: refuse */
	for (i = 0; i < DIGEST_LEN; i++)
		if (digest[i] != allowed_digest[i])
			return -EPERM;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
