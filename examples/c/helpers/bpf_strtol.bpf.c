// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_strtol: parse a signed decimal number out of a text buffer.
//
// A syscall program parses the fixed string " -42,7": leading blanks and the
// minus sign are accepted, parsing stops at the comma. It stores the value
// (as two's complement) and the number of characters consumed.
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map parsed[0] == 18446744073709551574
// bpfspec: expect-map parsed[1] == 4
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __s64);
	__uint(max_entries, 2);
} parsed SEC(".maps");

SEC("syscall")
int parse_signed(void *ctx)
{
	char text[8] = " -42,7";
	long value = 0;
	__u32 k_value = 0, k_used = 1;

	/* base 10; the length must be a constant the verifier can see */
	long used = bpf_strtol(text, sizeof(text), 10, &value);
	if (used < 0)
		return 1;

	__s64 v = value, u = used;
	bpf_map_update_elem(&parsed, &k_value, &v, BPF_ANY);
	bpf_map_update_elem(&parsed, &k_used, &u, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
