// expect: reject attach-type bpf_bind
#include "common.h"

SEC("cgroup/sendmsg4")
int pin_source(struct bpf_sock_addr *ctx)
{
	struct sockaddr_in {
		__u16 family;
		__u16 port;
		__u32 addr;
		__u8 zero[8];
	} sa = { .family = 2 };

	bpf_bind(ctx, (void *)&sa, sizeof(sa));
	return 1;
}

LICENSE("GPL");
