#!/bin/sh
# Installs what the `bpfspec check` tests and benchmark use on a Debian machine:
# clang (builds the corpus), bpftool (loads it into the kernel), the BPF objects that
# Debian ships compiled (xdp-tools, libxdp1, libbpf-tools) and hyperfine (BENCHMARKS.md).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    clang libbpf-dev linux-libc-dev bpftool \
    xdp-tools libxdp1 libbpf-tools \
    hyperfine >/dev/null
