// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sys_close: release a file descriptor that a syscall program opened with bpf_sys_bpf.
//
// Every fd that bpf_sys_bpf returns is installed in the fd table of the process that
// ran the program, so a loader program that only needs an object briefly (or hands a
// map to another object by id) should close it, or the process leaks it. Closing a valid
// fd returns 0; closing it again returns -EBADF, which the test also checks.
//
// bpfspec: run-input none
// bpfspec: run retval=0
// bpfspec: expect-map close_result[0] == 0
// bpfspec: expect-map close_result[1] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* close_result[0] = return of the first close, [1] = 1 if the second close failed. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} close_result SEC(".maps");

SEC("syscall")
int open_then_close(void *ctx)
{
	union bpf_attr attr = {};
	__u32 key;
	__u64 val;
	long fd, err;

	attr.map_type = BPF_MAP_TYPE_HASH;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 16;
	fd = bpf_sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return 1;

	err = bpf_sys_close(fd);
	key = 0;
	val = err;
	bpf_map_update_elem(&close_result, &key, &val, BPF_ANY);

	err = bpf_sys_close(fd); /* already closed */
	key = 1;
	val = err < 0;
	bpf_map_update_elem(&close_result, &key, &val, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
