#!/bin/sh
# Benchmark of `bpfspec check` (BENCHMARKS.md, section "check"): objects/s and instructions/s,
# one thread and all cores, and the comparison with loading the same objects into the kernel
# with `bpftool prog loadall` (the real verifier, through libbpf).
#
#   cargo build --release -p bpfspec
#   sudo tests/check-corpus/bench.sh [path/to/bpfspec]
#
# Needs clang, bpftool, hyperfine and jq (tests/check-corpus/setup.sh installs them), root for
# the kernel loads, and for the Debian rows xdp-tools/libxdp1/libbpf-tools. Prints Markdown.
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

# The corpus objects the kernel accepts: the kernel comparison times successful loads.
accepted=""
for o in "$work"/corpus/*.o; do
    if bpftool prog loadall "$o" "$pins/p" >/dev/null 2>&1; then
        accepted="$accepted $o"
    fi
    rm -rf "$pins/p"
done
all=$(ls "$work"/corpus/*.o)
xdp=$(ls /usr/lib/*/bpf/*.o 2>/dev/null || true)
tools=$(dpkg -L libbpf-tools 2>/dev/null | grep '^/usr/sbin/' || true)

# One thread and all cores on `repeat` copies of a file list (amortising start-up).
startup=$(hyperfine -N --warmup 3 --runs 20 --export-json "$work/s.json" "$bpfspec check -j 1 $(echo $accepted | cut -d' ' -f1)" >&2 && jq '.results[0].mean' "$work/s.json")
row() { # name, reps, files...
    name=$1 reps=$2
    shift 2
    [ $# -gt 0 ] || return 0
    n=$("$bpfspec" check --format json "$@" | jq '.objects | length')
    insns=$("$bpfspec" check --format json "$@" | jq '[.objects[].instructions] | add')
    : > "$work/args"
    i=0
    while [ $i -lt "$reps" ]; do
        echo "$@" >> "$work/args"
        i=$((i + 1))
    done
    hyperfine --warmup 2 --runs 10 --export-json "$work/r.json" \
        -n single "$bpfspec check -j 1 \$(cat $work/args) 2>/dev/null; true" \
        -n all "$bpfspec check \$(cat $work/args) 2>/dev/null; true" >&2
    s=$(jq '.results[0].mean' "$work/r.json")
    a=$(jq '.results[1].mean' "$work/r.json")
    [ -f "$work/first" ] || echo "$s $n $reps" > "$work/first"
    awk -v name="$name" -v n="$n" -v r="$reps" -v insns="$insns" -v s="$s" -v a="$a" -v st="$startup" 'BEGIN {
        o = n * r; t = insns * r
        printf "| %s | %d | %d | %.0f | %.1f M | %.0f | %.1f M |\n", name, n, insns, o / (s - st), t / (s - st) / 1e6, o / (a - st), t / (a - st) / 1e6
    }'
}

echo "| objects | count | instructions | objects/s, 1 thread | instructions/s, 1 thread | objects/s, $(nproc) threads | instructions/s, $(nproc) threads |"
echo "|---|---:|---:|---:|---:|---:|---:|"
row "truth corpus, accepted by the kernel" "$repeat" $accepted
row "truth corpus, all" "$repeat" $all
row "xdp-tools / libxdp1 \`.o\` files" "$repeat" $xdp
row "libbpf-tools binaries (embedded skeletons)" 5 $tools
echo

# The kernel: one bpftool process per object, as `bpfspec check` one process per object.
hyperfine --warmup 1 --runs 5 --export-json "$work/k.json" \
    -n kernel "sh -c 'for o in $accepted; do bpftool prog loadall \$o $pins/p; rm -rf $pins/p; done'" \
    -n check "sh -c 'for o in $accepted; do $bpfspec check -j 1 \$o 2>/dev/null; done'" >&2
k=$(jq '.results[0].mean' "$work/k.json")
c=$(jq '.results[1].mean' "$work/k.json")
n=$(echo $accepted | wc -w)
read -r s1 n1 r1 < "$work/first"
awk -v n="$n" -v k="$k" -v c="$c" -v st="$startup" -v s1="$s1" -v n1="$n1" -v r1="$r1" 'BEGIN {
    per = (s1 - st) / (n1 * r1)
    printf "start-up of `bpfspec check` (reading the embedded specs): %.1f ms\n", st * 1000
    printf "one process per object, %d accepted corpus objects: `bpftool prog loadall` %.2f ms/object, `bpfspec check` %.2f ms/object\n", n, k / n * 1000, c / n * 1000
    printf "in one process: %.1f us/object, %.0fx faster than a kernel load\n", per * 1e6, (k / n) / per
}'
