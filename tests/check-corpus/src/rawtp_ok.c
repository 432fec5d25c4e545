// expect: ok
#include "common.h"

RINGBUF(events);

SEC("raw_tp/sched_switch")
int on_switch(void *ctx)
{
	char comm[16];

	bpf_get_current_comm(comm, sizeof(comm));
	bpf_ringbuf_output(&events, comm, sizeof(comm), 0);
	return 0;
}

LICENSE("GPL");
