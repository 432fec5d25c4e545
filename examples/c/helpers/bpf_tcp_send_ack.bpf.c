// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_tcp_send_ack: send an immediate ACK from a TCP congestion-control module written in BPF.
//
// A congestion-control algorithm built with struct_ops sometimes has to acknowledge data
// at once rather than wait for the delayed-ACK timer. DCTCP does so when the ECN CE mark
// of incoming packets flips, so the sender learns exactly how much data was marked. This
// Reno-based module does the same: on each CE transition it ACKs everything received so
// far (rcv_nxt) with bpf_tcp_send_ack. The helper exists only for tcp_congestion_ops
// programs; user space registers the module with bpftool struct_ops register, after which
// it is picked per socket with setsockopt(TCP_CONGESTION, "bpf_ce_ack").
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define TCP_CA_NAME_MAX 16

/* The tcp_ca_event values we react to (enum tcp_ca_event in the kernel). */
#define CA_EVENT_ECN_NO_CE 4
#define CA_EVENT_ECN_IS_CE 5

/* A full definition, not a forward one: libbpf compares kfunc prototypes by kind. */
struct sock {
	__u16 sk_type;
} __attribute__((preserve_access_index));

struct tcp_sock {
	__u32 rcv_nxt;
} __attribute__((preserve_access_index));

/* Our declaration of the kernel's ops table; libbpf matches the members by name. */
struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	void (*cwnd_event)(struct sock *sk, int ev);
	__u32 (*undo_cwnd)(struct sock *sk);
	char name[TCP_CA_NAME_MAX];
} __attribute__((preserve_access_index));

/* The kernel's Reno, exported to BPF congestion control as kfuncs. */
extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

/* CE state of the last packet. One global keeps the example short; a real module keeps it
 * per socket, in its private area of the socket or in socket local storage. */
static int last_ce;

SEC("struct_ops/ce_ssthresh")
__u32 BPF_PROG(ce_ssthresh, struct sock *sk)
{
	return tcp_reno_ssthresh(sk);
}

SEC("struct_ops/ce_cong_avoid")
void BPF_PROG(ce_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	tcp_reno_cong_avoid(sk, ack, acked);
}

SEC("struct_ops/ce_undo_cwnd")
__u32 BPF_PROG(ce_undo_cwnd, struct sock *sk)
{
	return tcp_reno_undo_cwnd(sk);
}

SEC("struct_ops/ce_cwnd_event")
void BPF_PROG(ce_cwnd_event, struct sock *sk, int ev)
{
	/* The verifier types sk as a tcp_sock in congestion-control programs. */
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	int ce;

	if (ev != CA_EVENT_ECN_IS_CE && ev != CA_EVENT_ECN_NO_CE)
		return;
	ce = ev == CA_EVENT_ECN_IS_CE;
	if (ce != last_ce)
		bpf_tcp_send_ack(tp, tp->rcv_nxt);
	last_ce = ce;
}

SEC(".struct_ops")
struct tcp_congestion_ops ce_ack = {
	.ssthresh = (void *)ce_ssthresh,
	.cong_avoid = (void *)ce_cong_avoid,
	.cwnd_event = (void *)ce_cwnd_event,
	.undo_cwnd = (void *)ce_undo_cwnd,
	.name = "bpf_ce_ack",
};

char LICENSE[] SEC("license") = "GPL";
