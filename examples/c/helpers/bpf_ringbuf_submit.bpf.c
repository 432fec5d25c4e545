// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_ringbuf_submit: publish a reserved record, batching consumer wakeups to save CPU.
//
// Every packet produces a record, but waking the user-space reader for each one is costly
// at high rates. The program submits with BPF_RB_NO_WAKEUP and forces a wakeup only on every
// 16th record, so the reader is woken at most once per batch. A record is visible to the
// reader as soon as it is submitted; the flag only decides whether epoll is signalled.
//
// bpfspec: run retval=0
// bpfspec: expect-map submitted[0] == 1
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define BATCH 16

struct skb_event {
	__u64 ts_ns;
	__u32 len;
	__u32 ifindex;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Slot 0: records submitted so far. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} submitted SEC(".maps");

SEC("tc")
int log_skb(struct __sk_buff *skb)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&submitted, &zero);
	struct skb_event *e;
	__u64 seq;

	if (!n)
		return TC_ACT_OK;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return TC_ACT_OK;
	e->ts_ns = bpf_ktime_get_ns();
	e->len = skb->len;
	e->ifindex = skb->ifindex;

	seq = __sync_fetch_and_add(n, 1);
	/* After submit (or discard) the pointer is gone: the verifier rejects any later use. */
	bpf_ringbuf_submit(e, (seq % BATCH == BATCH - 1) ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
