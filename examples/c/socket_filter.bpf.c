// C twin of examples/src/bin/socket_filter.rs.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("socket")
int socket_filter(struct __sk_buff *skb)
{
	if (bpf_ntohs(skb->protocol) != 0x0800)
		return 0;
	__u8 proto;
	if (bpf_skb_load_bytes(skb, 9, &proto, 1))
		return 0;
	return proto == 6 ? skb->len : 0;
}

char LICENSE[] SEC("license") = "GPL";
