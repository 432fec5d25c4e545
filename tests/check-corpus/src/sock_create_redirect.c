// expect: reject helper-not-allowed bpf_redirect
#include "common.h"

SEC("cgroup/sock_create")
int label(struct bpf_sock *sk)
{
	bpf_redirect(1, 0);
	return 1;
}

LICENSE("GPL");
