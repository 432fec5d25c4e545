// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_inode_storage_delete: drop an inode's local storage when the state no longer applies.
//
// A module that tags files (here: files written since a checkpoint, marked in the
// file_permission hook on MAY_WRITE) must clear the tag when the file stops being relevant.
// Unlinking the last name is such a moment, before the inode itself is freed possibly much
// later while still open. The inode_unlink hook deletes the entry; the helper returns
// -ENOENT if the inode had none, which is the normal case for untagged files.
//
// bpfspec: check-only LSM programs are refused with EPERM on this host
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define MAY_WRITE 0x2

struct inode;

struct file {
	struct inode *f_inode;
} __attribute__((preserve_access_index));

struct dentry {
	struct inode *d_inode;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64); /* time of the first write since the checkpoint */
} dirty SEC(".maps");

SEC("lsm/file_permission")
int BPF_PROG(mark_written, struct file *file, int mask)
{
	__u64 *since;

	if (!(mask & MAY_WRITE))
		return 0;
	since = bpf_inode_storage_get(&dirty, file->f_inode, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (since && !*since)
		*since = bpf_ktime_get_ns();
	return 0;
}

SEC("lsm/inode_unlink")
int BPF_PROG(forget_unlinked, struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;

	if (inode)
		bpf_inode_storage_delete(&dirty, inode);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
