// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_setsockopt: in a cgroup connect hook, mark every outgoing IPv4 TCP connection of a cgroup.
//
// A cgroup/connect4 program runs when a process of the cgroup calls
// connect(). Setting SO_MARK there gives every connection of the service a
// firewall mark that routing rules (`ip rule add fwmark ...`) and nftables can
// match, without touching the application. The program returns 1 to let the
// connect proceed. Hooks of this type cannot be test-run, so it is only loaded.
#include <linux/bpf.h>
#include <linux/in.h>
#include <asm/socket.h> /* SOL_SOCKET, SO_MARK */
#include <bpf/bpf_helpers.h>

const volatile __u32 mark = 0x100;

SEC("cgroup/connect4")
int mark_connect(struct bpf_sock_addr *ctx)
{
	int value = mark;

	if (ctx->protocol != IPPROTO_TCP)
		return 1;
	/* A failure leaves the socket unmarked; the connection still goes ahead. */
	bpf_setsockopt(ctx, SOL_SOCKET, SO_MARK, &value, sizeof(value));
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
