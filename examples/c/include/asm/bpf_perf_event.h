/* Generic version, which x86-64 uses too: the sampled registers are a struct pt_regs. */
#include <asm-generic/bpf_perf_event.h>
