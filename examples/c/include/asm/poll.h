/* Generic version (see types.h in this folder). */
#include <asm-generic/poll.h>
