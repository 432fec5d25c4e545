// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_bind: pin the source address of outgoing IPv4 connections made in a cgroup.
//
// A cgroup/connect4 program runs before connect(2) does its work; binding the
// socket there picks the local address (and, if non-zero, port) the
// connection will use, e.g. to make a service leave through one address of a
// multi-homed host. Port 0 lets the kernel choose the port as usual. The
// address structure is passed with its real size.
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef AF_INET
#define AF_INET 2
#endif

/* set by user space before load, e.g. through the skeleton's rodata */
const volatile __u32 source_ip4 = 0x0a000001; /* 10.0.0.1, host byte order */

SEC("cgroup/connect4")
int pick_source(struct bpf_sock_addr *ctx)
{
	if (ctx->type != 1 /* SOCK_STREAM */)
		return 1;

	struct sockaddr_in sa = {};
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = bpf_htonl(source_ip4);
	sa.sin_port = 0;

	/* an error (e.g. the address is not local) is ignored: connect goes on unbound */
	bpf_bind(ctx, (struct sockaddr *)&sa, sizeof(sa));
	return 1; /* 1: let connect(2) proceed */
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
