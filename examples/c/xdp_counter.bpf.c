// C twin of examples/src/bin/xdp_counter.rs, for the zero-cost comparison in BENCHMARKS.md.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u16);
	__type(value, __u64);
	__uint(max_entries, 64);
} PACKETS SEC(".maps");

SEC("xdp")
int xdp_counter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 14 > data_end)
		return XDP_DROP;
	__u16 ethertype = bpf_ntohs(*(__u16 *)(data + 12));
	__u64 *count = bpf_map_lookup_elem(&PACKETS, &ethertype);
	if (count) {
		__sync_fetch_and_add(count, 1);
	} else {
		__u64 one = 1;
		if (bpf_map_update_elem(&PACKETS, &ethertype, &one, BPF_NOEXIST)) {
			count = bpf_map_lookup_elem(&PACKETS, &ethertype);
			if (count)
				__sync_fetch_and_add(count, 1);
		}
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
