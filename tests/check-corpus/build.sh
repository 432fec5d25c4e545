#!/bin/sh
# Builds the `bpfspec check` truth-test corpus: every src/*.c into OUT/<name>.o with Debian's
# clang, as `clang -target bpf -O2 -g` (BPF_TARGET=bpfeb for big-endian objects), and every
# extra/*.c (objects the kernel cannot load as they are: legacy maps, unknown sections) into
# OUT/extra/<name>.o.
#
#   tests/check-corpus/build.sh OUT          # little-endian (bpfel), what the kernel loads
#   BPF_TARGET=bpfeb tests/check-corpus/build.sh OUT-be
#
# The test builds into a temporary folder; objects are never committed.
set -eu
out=${1:?usage: build.sh OUT}
here=$(cd "$(dirname "$0")" && pwd)
target=${BPF_TARGET:-bpfel}
clang=${CLANG:-clang}
multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
mkdir -p "$out/extra"
ls "$here"/src/*.c "$here"/extra/*.c | xargs -P "$(nproc)" -I{} sh -c '
    src={}; name=$(basename "$src" .c); dir=$4
    case "$src" in */extra/*) dir=$4/extra ;; esac
    exec "$0" -target "$1" -O2 -g -Wall -Werror -Wno-unused-variable -Wno-unused-function \
        -I"$2/src" -I/usr/include/"$3" -c "$src" -o "$dir/$name.o"
' "$clang" "$target" "$here" "$multiarch" "$out"
