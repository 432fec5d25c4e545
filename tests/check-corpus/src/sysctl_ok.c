// expect: ok
#include "common.h"

SEC("cgroup/sysctl")
int guard(struct bpf_sysctl *ctx)
{
	char name[32];
	char value[16];
	long n = 0;

	bpf_sysctl_get_name(ctx, name, sizeof(name), 0);
	if (bpf_sysctl_get_new_value(ctx, value, sizeof(value)) > 0)
		bpf_strtol(value, sizeof(value), 0, &n);
	return n < 1000;
}

LICENSE("GPL");
