// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_inode_storage_get: attach state to a file's inode from an LSM program, here open counts.
//
// BPF_MAP_TYPE_INODE_STORAGE gives each inode its own slot, created on demand with
// BPF_LOCAL_STORAGE_GET_F_CREATE and freed with the inode, so a security module can keep
// per-file state without a hash keyed by (device, inode number) that goes stale. The
// program counts opens per inode in the file_open hook and never denies access (it returns
// 0). User space reads a file's entry by looking the map up with an fd of that file.
//
// bpfspec: check-only LSM programs are refused with EPERM on this host
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct inode;

struct file {
	struct inode *f_inode;
} __attribute__((preserve_access_index));

struct open_stats {
	__u64 opens;
	__u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* required for local-storage maps */
	__type(key, int);
	__type(value, struct open_stats);
} open_stats SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(count_opens, struct file *file)
{
	struct open_stats *st;

	st = bpf_inode_storage_get(&open_stats, file->f_inode, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st)
		return 0; /* no memory: never turn that into a denied open */
	__sync_fetch_and_add(&st->opens, 1);
	st->last_ns = bpf_ktime_get_ns();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
