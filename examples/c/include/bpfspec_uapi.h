/* Names of the kernel's BPF ABI that are newer than the uapi headers these examples build
 * with (Debian 12 ships those of Linux 6.1), with the values the kernel gives them. Only
 * names some example uses are here.
 *
 * The enumerators of <linux/bpf.h> cannot be tested with #ifdef, so each name becomes a
 * macro of the same value. Where the system's headers already have the enumerator that is
 * harmless: <linux/bpf.h> is included first, and its include guard keeps a later include
 * from re-reading the enum through the macros. */
#ifndef BPFSPEC_UAPI_H
#define BPFSPEC_UAPI_H

#include <linux/bpf.h>

/* Linux 6.2 */
#define BPF_MAP_TYPE_CGRP_STORAGE 32
/* Linux 6.9 */
#define BPF_MAP_TYPE_ARENA 33
/* Linux 6.19-7.2 (absent in 6.18, present in 7.2; the release is not pinned) */
#define BPF_MAP_TYPE_INSN_ARRAY 34
#define BPF_MAP_TYPE_RHASH 35

#endif
