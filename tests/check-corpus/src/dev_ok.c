// expect: ok
#include "common.h"

SEC("cgroup/dev")
int allow(struct bpf_cgroup_dev_ctx *ctx)
{
	return (bpf_get_current_uid_gid() & 0xffffffff) == 0 || ctx->major != 1;
}

LICENSE("GPL");
