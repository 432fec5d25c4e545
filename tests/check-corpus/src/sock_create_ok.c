// expect: ok
#include "common.h"

MAP(by_cookie, BPF_MAP_TYPE_LRU_HASH, __u64, __u32, 128);

SEC("cgroup/sock_create")
int label(struct bpf_sock *sk)
{
	__u64 cookie = bpf_get_socket_cookie(sk);
	__u32 uid = (__u32)bpf_get_current_uid_gid();

	bpf_map_update_elem(&by_cookie, &cookie, &uid, BPF_ANY);
	return 1;
}

LICENSE("GPL");
