// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_INSN_ARRAY: a table of instruction offsets the kernel keeps up to date for one program.
//
// The map is declared by sizes only (4-byte index, 16-byte struct bpf_insn_array_value; the
// kernel refuses BTF key and value types for it) and never touched by the program: no
// helper accepts it. User space gives it meaning. Before loading, it writes into entry i the
// offset of an instruction of `classify` (orig_off, the other fields 0), freezes the map
// with BPF_MAP_FREEZE and passes its fd in the fd_array of BPF_PROG_LOAD (with
// fd_array_cnt), which binds it to the program. After the load, each entry also holds where
// that instruction ended up in the translated program (xlated_off, all ones if the verifier
// removed it) and in the JIT image (jitted_off). A map serves one program at a time.
//
// The same map type carries the jump tables of indirect jumps: a clang that defines
// __BPF_FEATURE_GOTOX may compile a switch like the one below (when its cases are dense
// enough) into one `gotox` through a table, and a libbpf that knows the map type then
// creates, fills and freezes an insn array for that table from the `.jumptables` section by
// itself. Older compilers emit compare-and-branch code and no table, as here.
//
// bpfspec: check-only BPF_MAP_TYPE_INSN_ARRAY is newer than this machine's Linux 6.18, which cannot create the map
// bpfspec: kernel 7.2
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bpfspec_uapi.h"

struct {
	__uint(type, BPF_MAP_TYPE_INSN_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 16); /* struct bpf_insn_array_value */
	__uint(max_entries, 8);
} classify_offsets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32); /* traffic class, 0-4 */
	__type(value, __u64);
	__uint(max_entries, 5);
} per_class SEC(".maps");

SEC("xdp")
int classify(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	__u32 class;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	switch (ip->protocol) {
	case IPPROTO_ICMP:
		class = 1;
		break;
	case IPPROTO_IGMP:
		class = 2;
		break;
	case IPPROTO_TCP:
		class = 3;
		break;
	case IPPROTO_UDP:
		class = 4;
		break;
	default:
		class = 0;
		break;
	}

	__u64 *count = bpf_map_lookup_elem(&per_class, &class);
	if (count)
		__sync_fetch_and_add(count, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
