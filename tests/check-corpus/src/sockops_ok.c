// expect: ok
#include "common.h"

MAP_SIZED(socks, BPF_MAP_TYPE_SOCKHASH, 4, 8, 64);

SEC("sockops")
int track(struct bpf_sock_ops *skops)
{
	__u32 key = skops->local_port;

	if (skops->op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB) {
		bpf_sock_hash_update(skops, &socks, &key, BPF_ANY);
		bpf_sock_ops_cb_flags_set(skops, BPF_SOCK_OPS_STATE_CB_FLAG);
	}
	return 1;
}

LICENSE("GPL");
