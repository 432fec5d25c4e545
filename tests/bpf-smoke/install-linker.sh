#!/usr/bin/env bash
# Installs bpf-linker 0.13.0 into target/tools, built against the pinned nightly's own libLLVM
# (see shared BPF-TOOLCHAIN notes: bookworm has no LLVM 22 and nothing prebuilt can be fetched).
# Prints the linker's path on stdout. Idempotent: a linker built for the same nightly is reused.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
tools="$repo/target/tools"
toolchain=nightly

sysroot=$(rustc +"$toolchain" --print sysroot)
llvm=$(ls "$sysroot"/lib/libLLVM.so.*-rust-* 2>/dev/null | head -n1 || true)
if [ -z "$llvm" ]; then
    echo "no libLLVM in the $toolchain sysroot ($sysroot/lib)" >&2
    exit 3
fi
stamp="$tools/bpf-linker.stamp"
want="bpf-linker 0.13.0 for $(rustc +"$toolchain" --version)"
if [ -x "$tools/bin/bpf-linker" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "$tools/bin/bpf-linker"
    exit 0
fi

prefix="$tools/llvm"
mkdir -p "$prefix/lib"
ln -sf "$llvm" "$prefix/lib/libLLVM.so"
ln -sf "$llvm" "$prefix/lib/$(basename "$llvm")"
echo "building $want (about a minute)" >&2
LLVM_PREFIX="$prefix" cargo +"$toolchain" install bpf-linker@0.13.0 --locked \
    --no-default-features --features llvm-22 --root "$tools" >&2
echo "$want" > "$stamp"
echo "$tools/bin/bpf-linker"
