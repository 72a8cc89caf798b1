#!/usr/bin/env bash
# Installs the build-time tools for the BPF programs (bpf/build.sh): clang, llvm, libbpf headers, bpftool.
# Idempotent: does nothing (no apt-get update) when every package is already installed.
set -euo pipefail
. "$(dirname "$0")/lib/apt-ensure.sh"
apt_ensure build-deps clang llvm libbpf-dev libbpf1 bpftool
