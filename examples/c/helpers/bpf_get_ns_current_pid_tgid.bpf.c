// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_ns_current_pid_tgid: report PIDs as a container sees them, not as the host does.
//
// bpf_get_current_pid_tgid gives IDs in the initial PID namespace. Tools that run inside
// a container want the IDs of their own namespace, which the kernel names by the device
// and inode of /proc/self/ns/pid. User space stat()s that file and fills pidns_dev and
// pidns_ino before loading. If the caller is not in that namespace (or, as in the test
// run, nothing was configured) the helper fails with -EINVAL and zeroes the output.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map result[0] == 22
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Filled from stat("/proc/self/ns/pid"): st_dev and st_ino. */
const volatile __u64 pidns_dev = 0;
const volatile __u64 pidns_ino = 0;

/* 0: minus the helper's return (0 on success, 22 for EINVAL), 1: pid, 2: tgid, both in that namespace. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 3);
} result SEC(".maps");

static void store(__u32 key, __u64 val)
{
	__u64 *slot = bpf_map_lookup_elem(&result, &key);

	if (slot)
		*slot = val;
}

SEC("syscall")
int ns_ids(void *ctx)
{
	struct bpf_pidns_info ids = {};
	long err;

	/* The size argument must be exactly sizeof(struct bpf_pidns_info). */
	err = bpf_get_ns_current_pid_tgid(pidns_dev, pidns_ino, &ids, sizeof(ids));
	store(0, -err);
	store(1, ids.pid);
	store(2, ids.tgid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
