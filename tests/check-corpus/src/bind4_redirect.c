// expect: reject helper-not-allowed bpf_redirect
#include "common.h"

SEC("cgroup/bind4")
int deny(struct bpf_sock_addr *ctx)
{
	bpf_redirect(1, 0);
	return 1;
}

LICENSE("GPL");
