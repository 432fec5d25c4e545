// C twin of examples/src/bin/tc_classifier.rs.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TTL_OFF (14 + 8)
#define CSUM_OFF (14 + 10)

SEC("classifier")
int tc_classifier(struct __sk_buff *skb)
{
	if (bpf_ntohs(skb->protocol) != 0x0800)
		return TC_ACT_OK;
	__u16 old;
	if (bpf_skb_load_bytes(skb, TTL_OFF, &old, 2))
		return TC_ACT_OK;
	if ((old & 0xff) <= 1)
		return TC_ACT_SHOT;
	__u16 new = old - 1;
	if (bpf_skb_store_bytes(skb, TTL_OFF, &new, 2, 0) ||
	    bpf_l3_csum_replace(skb, CSUM_OFF, old, new, 2))
		return TC_ACT_SHOT;
	skb->mark = 0x42;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
