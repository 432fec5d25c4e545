// expect: ok
#include "common.h"

/* Offered to every program type by bpf_base_func_proto when the loader is privileged. */
SEC("xdp")
int who(struct xdp_md *ctx)
{
	return (bpf_get_current_pid_tgid() & 1) ? XDP_PASS : XDP_DROP;
}

LICENSE("GPL");
