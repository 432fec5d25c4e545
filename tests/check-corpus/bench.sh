#!/bin/sh
# Benchmark of `bpfspec check` (BENCHMARKS.md, section "check"): objects/s and instructions/s,
# one thread and all cores, against loading the same objects into the kernel with
# `bpftool prog loadall` (the real verifier, through libbpf).
#
#   cargo build --release -p bpfspec
#   sudo tests/check-corpus/bench.sh [path/to/bpfspec]
#
# Needs clang, bpftool, hyperfine and jq (tests/check-corpus/setup.sh installs them) and root
# for the kernel loads. Prints a Markdown table.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bpfspec=$(realpath "${1:-$here/../../target/release/bpfspec}")
repeat=${REPEAT:-200}
work=$(mktemp -d)
pins="$work/bpffs"
cleanup() {
    umount "$pins" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$here/build.sh" "$work/corpus" >/dev/null
mkdir -p "$pins"
mount -t bpf bpf "$pins"

# The objects the kernel accepts: a fair comparison times successful loads.
accepted=""
for o in "$work"/corpus/*.o; do
    if bpftool prog loadall "$o" "$pins/p" >/dev/null 2>&1; then
        accepted="$accepted $o"
    fi
    rm -rf "$pins/p"
done
n=$(echo $accepted | wc -w)
insns=$("$bpfspec" check --format json $accepted | jq '[.objects[].instructions] | add')

# Many objects per run so that process start-up (reading the embedded specs) is amortised.
args=""
i=0
while [ $i -lt "$repeat" ]; do
    args="$args $accepted"
    i=$((i + 1))
done
echo "$args" > "$work/args"

hyperfine --warmup 2 --runs 10 --export-json "$work/check.json" \
    -n single "$bpfspec check -j 1 \$(cat $work/args)" \
    -n all "$bpfspec check \$(cat $work/args)" \
    -n startup "$bpfspec check -j 1 $(echo $accepted | cut -d' ' -f1)" \
    -n per-object "sh -c 'for o in $accepted; do $bpfspec check -j 1 \$o 2>/dev/null; done'" >&2
hyperfine --warmup 1 --runs 5 --export-json "$work/kernel.json" \
    -n kernel "sh -c 'for o in $accepted; do bpftool prog loadall \$o $pins/p; rm -rf $pins/p; done'" >&2

mean() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .mean' "$1"; }
single=$(mean "$work/check.json" single)
all=$(mean "$work/check.json" all)
startup=$(mean "$work/check.json" startup)
per_object=$(mean "$work/check.json" per-object)
kernel=$(mean "$work/kernel.json" kernel)
cores=$(nproc)
awk -v n="$n" -v r="$repeat" -v insns="$insns" -v s="$single" -v a="$all" -v st="$startup" \
    -v po="$per_object" -v k="$kernel" -v cores="$cores" 'BEGIN {
    objs = n * r; total = insns * r
    printf "corpus: %d objects the kernel accepts, %d instruction slots; checked %d times per run\n\n", n, insns, r
    printf "| measurement | time | objects/s | instructions/s |\n|---|---:|---:|---:|\n"
    printf "| `bpfspec check -j 1`, %d objects in one process | %.3f s | %.0f | %.1f M |\n", objs, s, objs / (s - st), total / (s - st) / 1e6
    printf "| `bpfspec check` (%d threads), same | %.3f s | %.0f | %.1f M |\n", cores, a, objs / (a - st), total / (a - st) / 1e6
    printf "| start-up (one small object) | %.1f ms | | |\n", st * 1000
    printf "| `bpfspec check`, one process per object | %.3f s for %d | %.0f | |\n", po, n, n / po
    printf "| `bpftool prog loadall`, one process per object | %.3f s for %d | %.0f | |\n", k, n, n / k
    printf "\nratio, per object, kernel load / in-process check (one thread): %.0fx\n", (k / n) / ((s - st) / objs)
    printf "ratio, one process per object, bpftool / bpfspec: %.1fx\n", k / po
}'
