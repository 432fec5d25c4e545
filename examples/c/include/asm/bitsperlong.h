/* BPF registers and pointers are 64 bits wide (see types.h in this folder). */
#define __BITS_PER_LONG 64
#include <asm-generic/bitsperlong.h>
