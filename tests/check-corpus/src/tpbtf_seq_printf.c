// expect: reject attach-type bpf_seq_printf
#include "common.h"

struct seq_file;

/* bpf_seq_printf belongs to iterators (attach type BPF_TRACE_ITER). */
SEC("tp_btf/sched_switch")
int on_switch(__u64 *ctx)
{
	static const char fmt[] = "switch\n";

	return bpf_seq_printf((struct seq_file *)0, fmt, sizeof(fmt), 0, 0);
}

LICENSE("GPL");
