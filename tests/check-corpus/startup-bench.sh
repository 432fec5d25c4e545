#!/bin/sh
# Start-up of one `bpfspec check` process against one `bpftool prog loadall` of the same object
# (BENCHMARKS.md, "start-up"): three rounds alternating the commands, `perf stat -r 100` each,
# task-clock and wall per run. Needs root (the kernel load), bpftool and perf.
#
#   sudo tests/check-corpus/startup-bench.sh OBJECT BPFSPEC...
set -eu
obj=$1
shift
pins=$(mktemp -d)
mount -t bpf bpf "$pins"
trap 'umount "$pins"; rmdir "$pins"' EXIT
stat_line() { # label, command...
    label=$1
    shift
    perf stat -r 100 "$@" 2>&1 >/dev/null | awk -v b="$label" '
        /task-clock/ { t = $1 } /elapsed/ { w = $1 }
        END { printf "  %-40s task %s ms  wall %.3f ms\n", b, t, w * 1000 }'
}
for round in 1 2 3; do
    echo "round $round, load average $(cut -d' ' -f1 /proc/loadavg)"
    perf stat -r 100 --pre "rm -rf $pins/x" bpftool prog loadall "$obj" "$pins/x" 2>&1 >/dev/null |
        awk '/task-clock/ { t = $1 } /elapsed/ { w = $1 }
             END { printf "  %-40s task %s ms  wall %.3f ms\n", "bpftool prog loadall", t, w * 1000 }'
    for b in "$@"; do
        stat_line "$b" "$b" check --kernel 6.18 "$obj"
    done
done
