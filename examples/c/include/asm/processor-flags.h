/* x86-64 only: BPF programs that read registers (kprobes, perf events) see the traced
 * kernel's layout, and these examples target x86-64 (-D__TARGET_ARCH_x86). Debian keeps the
 * header under the multiarch folder; elsewhere the next asm/ folder on the path has it. */
#if __has_include(<x86_64-linux-gnu/asm/processor-flags.h>)
#include <x86_64-linux-gnu/asm/processor-flags.h>
#else
#include_next <asm/processor-flags.h>
#endif
