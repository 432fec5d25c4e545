/* Shared by the corpus of `bpfspec check`'s truth test: includes, a license macro and
 * BTF-defined map shorthands. Each object's first line says what the kernel's verifier
 * is expected to do with it:
 *   // expect: ok
 *   // expect: reject <code> <helper>
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define LICENSE(text) char _license[] SEC("license") = text

/* A BTF-defined map with key and value types. */
#define MAP(name, map_type, key_t, value_t, entries) \
	struct {                                      \
		__uint(type, map_type);               \
		__uint(max_entries, entries);         \
		__type(key, key_t);                   \
		__type(value, value_t);               \
	} name SEC(".maps")

/* A BTF-defined map with key and value sizes (perf event arrays, prog arrays, sockmaps). */
#define MAP_SIZED(name, map_type, key_sz, value_sz, entries) \
	struct {                                             \
		__uint(type, map_type);                      \
		__uint(max_entries, entries);                \
		__uint(key_size, key_sz);                    \
		__uint(value_size, value_sz);                \
	} name SEC(".maps")

#define RINGBUF(name)                                \
	struct {                                     \
		__uint(type, BPF_MAP_TYPE_RINGBUF);  \
		__uint(max_entries, 4096);           \
	} name SEC(".maps")

/* Not in the 6.1 uapi header this machine has. */
#define MAP_TYPE_CGRP_STORAGE 32

/* Keeps a value opaque to the compiler, so it cannot fold branches on it. */
#define OPAQUE(x) ({ __typeof__(x) __v = (x); asm volatile("" : "+r"(__v)); __v; })
