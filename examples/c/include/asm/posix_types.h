/* Generic version (see types.h in this folder). */
#include <asm-generic/posix_types.h>
