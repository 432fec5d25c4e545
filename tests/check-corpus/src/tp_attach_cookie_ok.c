// expect: ok
#include "common.h"

SEC("tp/sched/sched_switch")
int on_switch(void *ctx)
{
	return bpf_get_attach_cookie(ctx) != 0;
}

LICENSE("GPL");
