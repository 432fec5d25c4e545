// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_strtoul: read two unsigned numbers, hex then octal, from one text buffer.
//
// The return value is the count of characters consumed, so the second call
// starts right after the first number (plus the separating blank). Base 0
// lets the helper pick the base from the prefix ("0x" hex, "0" octal).
//
// bpfspec: run retval=0
// bpfspec: run-input none
// bpfspec: expect-map fields[0] == 255
// bpfspec: expect-map fields[1] == 8
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} fields SEC(".maps");

SEC("syscall")
int parse_unsigned(void *ctx)
{
	char text[16] = "0xff 010";
	unsigned long first = 0, second = 0;
	__u32 k0 = 0, k1 = 1;

	long used = bpf_strtoul(text, sizeof(text), 0, &first);
	/* bound the offset so that text + used plus a constant length of 8 stays inside text[] */
	if (used <= 0 || used > 8)
		return 1;
	if (bpf_strtoul(text + used, 8, 0, &second) < 0)
		return 2;

	__u64 a = first, b = second;
	bpf_map_update_elem(&fields, &k0, &a, BPF_ANY);
	bpf_map_update_elem(&fields, &k1, &b, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
