#!/usr/bin/env bash
# Kfuncs from Rust, end to end: build program/ (a syscall program calling kfuncs through the
# `extern "C"` declarations of bpfspec-bindings) with the nightly and bpf-linker, show that
# libbpf refuses the object as bpf-linker writes it, add the kfuncs' BTF with ksyms_btf.py,
# load it with bpftool, and run it with BPF_PROG_TEST_RUN: given this script's PID it must
# return 42 (the kfunc bpf_task_from_pid found the task), given a PID no task has, 1.
#
# Prints `SKIP: kfunc-e2e: <reason>` and exits 0 when the toolchain or bpf() is missing; never
# passes silently. BPFSPEC names the bpfspec binary (default: `cargo run -q -p bpfspec --`).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
skip() { echo "SKIP: kfunc-e2e: $*"; exit 0; }
log() { printf '== kfunc-e2e: %s\n' "$*" >&2; }
fail() { echo "error: kfunc-e2e: $*" >&2; exit 1; }

command -v rustup >/dev/null || skip "rustup is not installed"
command -v bpftool >/dev/null || skip "bpftool is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
rustup toolchain list | grep -q '^nightly' || skip "no nightly toolchain"
linker=$("$repo/tests/bpf-smoke/install-linker.sh") || skip "cannot build bpf-linker against the nightly's libLLVM"
export PATH="$(dirname "$linker"):$PATH"

target_dir="$repo/target/kfunc-e2e"
work="$target_dir/work"
mkdir -p "$work"
log "building for bpfel-unknown-none"
(cd "$here/program" && CARGO_TARGET_DIR="$target_dir" cargo +nightly build --release --quiet)
obj="$target_dir/bpfel-unknown-none/release/kfunc-e2e"
[ -s "$obj" ] || fail "no object at $obj"

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf 2>/dev/null || skip "no bpffs at /sys/fs/bpf"
pin="/sys/fs/bpf/bpfspec_kfunc_e2e_$$"
trap 'rm -f "$pin"' EXIT

# 1. As bpf-linker leaves it: no BTF for the externs, so libbpf cannot open the object.
if out=$(bpftool prog load "$obj" "$pin" 2>&1); then
    rm -f "$pin"
    fail "the unpatched object loaded; bpf-linker now writes kfunc BTF and this test (and the README) need updating"
fi
echo "$out" | grep -q "failed to find BTF for extern" || fail "unexpected error loading the unpatched object: $out"
log "unpatched object refused as expected: $(echo "$out" | grep -m1 'failed to find BTF for extern')"

# 2. With the kfuncs' BTF added from the specs' signatures.
bpfspec=${BPFSPEC:-"cargo run -q --manifest-path $repo/Cargo.toml -p bpfspec --"}
$bpfspec --specs "$repo/specs" export --format json > "$work/export.json"
externs=$(python3 "$here/ksyms_btf.py" "$work/export.json" "$obj" "$work/kfunc-e2e.o")
log "added BTF for: $externs"
if ! out=$(bpftool prog load "$work/kfunc-e2e.o" "$pin" 2>&1); then
    echo "$out" | grep -qi "operation not permitted" && skip "bpf() not permitted here"
    fail "the patched object does not load: $out"
fi
xlated=$(bpftool prog dump xlated pinned "$pin")
for k in $externs; do
    echo "$xlated" | grep -q "call $k#" || fail "the loaded program does not call $k:\n$xlated"
done

# 3. Run it. bpftool cannot test-run syscall programs (it always passes `repeat`), so ask the kernel directly.
run() {
python3 - "$pin" "$1" <<'PY'
import ctypes, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
path = ctypes.create_string_buffer(sys.argv[1].encode())
attr = bytearray(128)
struct.pack_into('<Q', attr, 0, ctypes.addressof(path))
fd = libc.syscall(321, 7, (ctypes.c_char * 128).from_buffer(attr), 128)  # BPF_OBJ_GET
if fd < 0:
    sys.exit(f'BPF_OBJ_GET: errno {ctypes.get_errno()}')
ctx = ctypes.create_string_buffer(struct.pack('<i', int(sys.argv[2])))
attr = bytearray(128)
struct.pack_into('<I', attr, 0, fd)
struct.pack_into('<IIQ', attr, 40, 4, 0, ctypes.addressof(ctx))  # ctx_size_in, ctx_size_out, ctx_in
if libc.syscall(321, 10, (ctypes.c_char * 128).from_buffer(attr), 128) != 0:  # BPF_PROG_TEST_RUN
    sys.exit(f'BPF_PROG_TEST_RUN: errno {ctypes.get_errno()}')
print(struct.unpack_from('<I', attr, 4)[0])
PY
}
found=$(run $$) || fail "test run failed: $found"
[ "$found" = 42 ] || fail "given its own PID $$, the program returned $found, expected 42"
missing=$(run 2147483647) || fail "test run failed: $missing"
[ "$missing" = 1 ] || fail "given a PID no task has, the program returned $missing, expected 1"
log "ran: 42 for PID $$, 1 for PID 2147483647"
echo "ok: kfunc-e2e: $(echo $externs | wc -w) kfuncs called from Rust"
