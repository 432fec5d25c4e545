// expect: reject map-type-mismatch bpf_sock_map_update
#include "common.h"

MAP(socks, BPF_MAP_TYPE_HASH, __u32, __u64, 64);

SEC("sockops")
int track(struct bpf_sock_ops *skops)
{
	__u32 key = skops->local_port;

	bpf_sock_map_update(skops, &socks, &key, BPF_ANY);
	return 1;
}

LICENSE("GPL");
