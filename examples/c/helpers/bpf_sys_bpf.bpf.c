// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sys_bpf: create and fill a map from inside a BPF_PROG_TYPE_SYSCALL program.
//
// Syscall programs run through BPF_PROG_TEST_RUN and act as a small loader inside the
// kernel: bpf_sys_bpf accepts a subset of bpf() commands (map create/update/delete,
// program and BTF load, link create). The attr struct lives on the program's stack.
// Here the program creates a one-slot array, stores 42 in it through the returned fd
// with a second command, and closes the fd afterwards.
//
// bpfspec: run-input none
// bpfspec: run retval=0
// bpfspec: expect-map result[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* result[0] = 1 when the map was created and the update succeeded. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} result SEC(".maps");

SEC("syscall")
int make_map(void *ctx)
{
	union bpf_attr attr = {};
	__u32 key = 0;
	__u64 value = 42, ok = 0;
	long fd, err;

	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = sizeof(key);
	attr.value_size = sizeof(value);
	attr.max_entries = 1;
	fd = bpf_sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return 1;

	__builtin_memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (__u64)(long)&key;
	attr.value = (__u64)(long)&value;
	attr.flags = BPF_ANY;
	err = bpf_sys_bpf(BPF_MAP_UPDATE_ELEM, &attr, sizeof(attr));
	if (err == 0)
		ok = 1;

	bpf_map_update_elem(&result, &key, &ok, BPF_ANY);
	bpf_sys_close(fd); /* the fd belongs to the process running the program */
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
