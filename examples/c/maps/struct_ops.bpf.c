// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_STRUCT_OPS: a TCP congestion control algorithm written as BPF programs.
//
// A struct_ops map holds one kernel "ops" table, here struct tcp_congestion_ops, whose
// function pointers are BPF programs of SEC("struct_ops/..."). libbpf creates the map from
// the SEC(".struct_ops") variable and loads the programs against the kernel's prototypes;
// user space then registers the table by attaching the map (bpf_map__attach_struct_ops(),
// or `bpftool struct_ops register`), after which "bpfspec_aimd" can be chosen with the
// TCP_CONGESTION socket option. Loading, as the test does, registers nothing.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Only the members this table sets; libbpf matches them by name with the kernel's. */
struct sock;
struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	char name[16];
};

/* The fields read and written, located by CO-RE in the running kernel's struct tcp_sock.
 * The kernel hands these programs the socket as a struct tcp_sock. */
struct tcp_sock {
	__u32 snd_cwnd;
	__u32 snd_cwnd_cnt;
	__u32 snd_ssthresh;
} __attribute__((preserve_access_index));

/* A loss halves the window, but never below two segments. */
SEC("struct_ops/aimd_ssthresh")
__u32 aimd_ssthresh(unsigned long long *ctx)
{
	struct tcp_sock *tp = (void *)ctx[0];
	__u32 half = tp->snd_cwnd >> 1;

	return half > 2 ? half : 2;
}

/* Slow start below ssthresh, then one more segment per window of acknowledged data. */
SEC("struct_ops/aimd_cong_avoid")
void aimd_cong_avoid(unsigned long long *ctx)
{
	struct tcp_sock *tp = (void *)ctx[0];
	__u32 acked = ctx[2];

	if (tp->snd_cwnd < tp->snd_ssthresh) {
		tp->snd_cwnd += acked;
		return;
	}
	tp->snd_cwnd_cnt += acked;
	if (tp->snd_cwnd_cnt >= tp->snd_cwnd) {
		tp->snd_cwnd_cnt = 0;
		tp->snd_cwnd += 1;
	}
}

SEC("struct_ops/aimd_undo_cwnd")
__u32 aimd_undo_cwnd(unsigned long long *ctx)
{
	struct tcp_sock *tp = (void *)ctx[0];

	return tp->snd_cwnd;
}

SEC(".struct_ops")
struct tcp_congestion_ops aimd = {
	.ssthresh = (void *)aimd_ssthresh,
	.cong_avoid = (void *)aimd_cong_avoid,
	.undo_cwnd = (void *)aimd_undo_cwnd,
	.name = "bpfspec_aimd",
};

char LICENSE[] SEC("license") = "Dual MIT/GPL";
