// expect: warning unknown-section; with --program-type my_hook=xdp: reject helper-not-allowed bpf_skb_load_bytes
/* A section name libbpf does not know: the program type must be given on the command line. */
#include "common.h"

SEC("my_hook")
int parse(struct __sk_buff *skb)
{
	__u16 proto = 0;

	bpf_skb_load_bytes(skb, 12, &proto, sizeof(proto));
	return proto;
}

LICENSE("GPL");
