// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_setsockopt: give every TCP connection in a cgroup a congestion control and no Nagle delay.
//
// A sock_ops program sees TCP connections at fixed points. When a connection
// is established (either side) it sets TCP_NODELAY and a congestion control
// algorithm, as the application could with setsockopt(2). Only a subset of
// levels and options is allowed, and only at points where the socket is
// locked. An unknown algorithm name fails with -ENOENT and leaves the socket
// as it was. sock_ops programs cannot be test-run, so this one is only loaded.
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>

#define SOL_TCP IPPROTO_TCP

const volatile char congestion[] = "cubic";

SEC("sockops")
int tune_tcp(struct bpf_sock_ops *skops)
{
	int one = 1;
	char cc[sizeof(congestion)];

	switch (skops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		__builtin_memcpy(cc, (const void *)congestion, sizeof(cc));
		bpf_setsockopt(skops, SOL_TCP, TCP_NODELAY, &one, sizeof(one));
		bpf_setsockopt(skops, SOL_TCP, TCP_CONGESTION, cc, sizeof(cc));
		break;
	}
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
