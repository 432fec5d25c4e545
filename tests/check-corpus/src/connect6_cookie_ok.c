// expect: ok
#include "common.h"

MAP(seen, BPF_MAP_TYPE_LRU_HASH, __u64, __u32, 128);

SEC("cgroup/connect6")
int remember(struct bpf_sock_addr *ctx)
{
	__u64 cookie = bpf_get_socket_cookie(ctx);
	__u32 port = ctx->user_port;

	bpf_map_update_elem(&seen, &cookie, &port, BPF_ANY);
	return 1;
}

LICENSE("GPL");
