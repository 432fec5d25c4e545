// expect: ok
#include "common.h"

MAP(xsks, BPF_MAP_TYPE_XSKMAP, __u32, __u32, 4);
MAP(cpus, BPF_MAP_TYPE_CPUMAP, __u32, struct bpf_cpumap_val, 4);

SEC("xdp")
int to_socket(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp")
int to_cpu(struct xdp_md *ctx)
{
	return bpf_redirect_map(&cpus, bpf_get_smp_processor_id(), XDP_PASS);
}

LICENSE("GPL");
