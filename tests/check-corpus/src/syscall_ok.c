// expect: ok
#include "common.h"

/* syscall programs are always sleepable. */
SEC("syscall")
int run(void *ctx)
{
	char buf[8];

	return bpf_copy_from_user(buf, sizeof(buf), (void *)0);
}

LICENSE("GPL");
