/* The uapi headers include <asm/...> headers, which Debian keeps in a per-architecture folder
 * that `clang -target bpf` does not search. BPF is a 64-bit target of its own, so these shims
 * forward to the generic versions the kernel uses for such architectures. */
#include <asm-generic/types.h>
