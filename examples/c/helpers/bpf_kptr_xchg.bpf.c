// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_kptr_xchg: keep an allocated object in a map value and swap it atomically.
//
// A map value field marked __kptr holds a referenced pointer. bpf_kptr_xchg stores a
// new pointer (or NULL) and hands back the old one, which the program now owns and must
// release or store again before it exits; the verifier tracks that reference. Here the
// object is a program-local struct from the bpf_obj_new kfunc (Linux 6.2+), replaced on
// every packet; the old one is freed with bpf_obj_drop. On the first packet the slot is
// still empty, so nothing is freed.
//
// clang 14 drops the btf_type_tag("kptr") of a struct field from BTF, so the kernel would see
// no kptr field and refuse the program ("R1 has no valid kptr"); clang 15 and later keep it.
// bpfspec: clang 16
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define __kptr __attribute__((btf_type_tag("kptr")))

/* Kernel allocator kfuncs; bpf_core_type_id_local supplies the local type id. */
extern void *bpf_obj_new_impl(__u64 local_type_id, void *meta) __ksym;
extern void bpf_obj_drop_impl(void *kptr, void *meta) __ksym;

struct last_packet {
	__u64 len;
};

struct slot {
	struct last_packet __kptr *pkt;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct slot);
	__uint(max_entries, 1);
} slots SEC(".maps");

/* swap_log[0] = 1 if an old object was swapped out, [1] = length stored in the new one. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} swap_log SEC(".maps");

SEC("xdp")
int remember_last(struct xdp_md *ctx)
{
	struct last_packet *fresh, *old;
	__u32 key = 0;
	struct slot *s = bpf_map_lookup_elem(&slots, &key);
	__u64 val;

	if (!s)
		return XDP_PASS;
	fresh = bpf_obj_new_impl(bpf_core_type_id_local(struct last_packet), NULL);
	if (!fresh)
		return XDP_PASS;
	fresh->len = ctx->data_end - ctx->data;
	val = fresh->len;

	old = bpf_kptr_xchg(&s->pkt, fresh); /* fresh now belongs to the map */
	bpf_map_update_elem(&swap_log, &key, &(__u64){old != NULL}, BPF_ANY);
	if (old)
		bpf_obj_drop_impl(old, NULL);

	key = 1;
	bpf_map_update_elem(&swap_log, &key, &val, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
