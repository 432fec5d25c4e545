// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_INODE_STORAGE: remember per file (inode) how often it was opened, from an LSM hook.
//
// bpf_inode_storage_get() with BPF_LOCAL_STORAGE_GET_F_CREATE returns the value attached to
// an inode, creating a zeroed one on first use; it is freed with the inode. Only BPF LSM
// programs may use it, and the kernel must boot with "bpf" in its lsm= list. User space
// reads the value of a file with an fd of that file as the key, e.g. to see which files a
// policy has flagged.
//
// bpfspec: check-only BPF LSM programs fail to load with EPERM on this host
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* The one field we read, located by CO-RE in the running kernel's struct file. */
struct file {
	struct inode *f_inode;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__type(key, int); /* an fd of the file, from user space */
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} opens SEC(".maps");

SEC("lsm/file_open")
int count_opens(unsigned long long *ctx)
{
	struct file *file = (void *)ctx[0];
	__u64 *n = bpf_inode_storage_get(&opens, file->f_inode, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (n)
		__sync_fetch_and_add(n, 1);
	return 0; /* allow the open */
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
