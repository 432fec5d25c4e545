// expect: reject helper-not-allowed bpf_redirect
#include "common.h"

SEC("raw_tracepoint/sched_switch")
int on_switch(void *ctx)
{
	return bpf_redirect(1, 0);
}

LICENSE("GPL");
