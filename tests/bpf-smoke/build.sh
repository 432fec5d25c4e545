#!/usr/bin/env bash
# The bindings' end-to-end test: build tests/bpf-smoke/program (an XDP program using generated
# helpers and types) for bpfel-unknown-none with the nightly and bpf-linker, load it into the
# kernel with bpftool, run it with BPF_PROG_TEST_RUN and check what it did.
#
#   tests/bpf-smoke/build.sh            build, load, run (needs root and bpf())
#   tests/bpf-smoke/build.sh --build    build only
#
# Prints `SKIP: bpf-smoke: <reason>` and exits 0 when the toolchain or the kernel is missing;
# it never passes silently. Exits non-zero on a real failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
program="$here/program"
skip() { echo "SKIP: bpf-smoke: $*"; exit 0; }
log() { printf '== bpf-smoke: %s\n' "$*" >&2; }

command -v rustup >/dev/null || skip "rustup is not installed"
rustup toolchain list | grep -q '^nightly' || skip "no nightly toolchain (rustup toolchain install nightly)"
rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src' \
    || rustup component add rust-src --toolchain nightly >&2 \
    || skip "cannot add rust-src to the nightly"

linker=$("$here/install-linker.sh") || skip "cannot build bpf-linker against the nightly's libLLVM"
export PATH="$(dirname "$linker"):$PATH"

log "building for bpfel-unknown-none"
target_dir="$repo/target/bpf-smoke"
(cd "$program" && CARGO_TARGET_DIR="$target_dir" cargo +nightly build --release --quiet)
obj="$target_dir/bpfel-unknown-none/release/bpf-smoke"
[ -s "$obj" ] || { echo "error: bpf-smoke: no object at $obj" >&2; exit 1; }
file_kind=$(head -c 4 "$obj" | od -An -c | tr -d ' ')
[ "$file_kind" = '177ELF' ] || { echo "error: bpf-smoke: $obj is not an ELF file" >&2; exit 1; }
log "linked $obj ($(stat -c %s "$obj") bytes)"

# Each generated helper compiles to `call <BPF_FUNC_* ID>`: 1 map_lookup_elem, 5 ktime_get_ns,
# 8 get_smp_processor_id.
if command -v llvm-objdump >/dev/null; then
    calls=$(llvm-objdump -d --no-show-raw-insn -j xdp "$obj" | grep -oE 'call [0-9]+' | sort -u | tr '\n' ' ')
    [ "$calls" = "call 1 call 5 call 8 " ] \
        || { echo "error: bpf-smoke: expected calls 1, 5 and 8 in section xdp, found: $calls" >&2; exit 1; }
    log "helper calls in the object: $calls"
else
    echo "SKIP: bpf-smoke: llvm-objdump missing, helper IDs in the object not inspected"
fi
[ "${1:-}" = "--build" ] && exit 0

[ "$(id -u)" = 0 ] || skip "loading needs root"
command -v bpftool >/dev/null || skip "bpftool is not installed"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf 2>/dev/null || skip "cannot mount bpffs on /sys/fs/bpf"

pin="/sys/fs/bpf/bpfspec-smoke-$$"
work=$(mktemp -d)
cleanup() { rm -rf "$pin" "$work"; }
trap cleanup EXIT
mkdir -p "$pin"

log "loading into the kernel"
if ! bpftool prog load "$obj" "$pin/prog" type xdp pinmaps "$pin" 2>"$work/load.err"; then
    if grep -qiE 'operation not permitted|function not implemented' "$work/load.err"; then
        skip "the kernel refuses bpf(): $(head -n1 "$work/load.err")"
    fi
    cat "$work/load.err" >&2
    echo "error: bpf-smoke: the verifier rejected the program" >&2
    exit 1
fi

run() { # run SIZE → the program's return value
    head -c "$1" /dev/zero > "$work/pkt"
    bpftool prog run pinned "$pin/prog" data_in "$work/pkt" repeat 1 | sed -n 's/^Return value: \([0-9-]*\).*/\1/p'
}
pass=$(run 64)
[ "$pass" = 2 ] || { echo "error: bpf-smoke: a 64-byte frame returned '$pass', expected 2 (XDP_PASS)" >&2; exit 1; }

slot() { # slot INDEX → the u64 stored there
    bpftool -j map lookup pinned "$pin/SMOKE_COUNTERS" key "$1" 0 0 0 \
        | python3 -c 'import json,sys; v=json.load(sys.stdin)["value"]; print(int.from_bytes(bytes(int(b,16) for b in v),"little"))'
}
count=$(slot 0); now=$(slot 1); cpu=$(slot 2)
[ "$count" = 1 ] || { echo "error: bpf-smoke: run counter is $count, expected 1" >&2; exit 1; }
[ "$now" != 0 ] || { echo "error: bpf-smoke: bpf_ktime_get_ns() left 0" >&2; exit 1; }
[ "$cpu" != 0 ] || { echo "error: bpf-smoke: bpf_get_smp_processor_id() was not stored" >&2; exit 1; }
echo "bpf-smoke: loaded, ran (XDP_PASS), helpers bpf_map_lookup_elem, bpf_ktime_get_ns, bpf_get_smp_processor_id worked"
echo "1 passed, 0 failed"
