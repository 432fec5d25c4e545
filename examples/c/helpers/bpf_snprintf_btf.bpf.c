// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_snprintf_btf: render a kernel-typed object as readable text, here a packet's IPv4 header.
//
// The helper walks the object with the kernel's own BTF description of its type, so the
// program needs no hand-written formatting code. The type is named by its kernel BTF ID,
// which bpf_core_type_id_kernel() asks libbpf to relocate at load time. The output is
// truncated to the buffer; the return value is the full length it would have needed.
// BTF_F_COMPACT drops the line breaks and BTF_F_NONAME the field names.
//
// bpfspec: run retval=2
// bpfspec: expect-map text_len[0] > 0
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#define TEXT_LEN 256

struct text {
	char buf[TEXT_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct text);
	__uint(max_entries, 1);
} texts SEC(".maps");

/* Slot 0: what the helper returned for the last packet. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __s64);
	__uint(max_entries, 1);
} text_len SEC(".maps");

SEC("xdp")
int show_ip_header(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct btf_ptr p = {};
	__u32 zero = 0;
	struct text *t = bpf_map_lookup_elem(&texts, &zero);
	__s64 *len = bpf_map_lookup_elem(&text_len, &zero);

	if (!t || !len || (void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	p.ptr = ip;
	p.type_id = bpf_core_type_id_kernel(struct iphdr);
	*len = bpf_snprintf_btf(t->buf, sizeof(t->buf), &p, sizeof(p), BTF_F_COMPACT);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
