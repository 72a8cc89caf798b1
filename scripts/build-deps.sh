#!/usr/bin/env bash
# Installs the build-time tools for the BPF programs (bpf/build.sh): clang, llvm, libbpf headers, bpftool.
# Idempotent: does nothing (no apt-get update) when every package is already installed.
set -euo pipefail
PKGS=(clang llvm libbpf-dev libbpf1 bpftool)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "build-deps: all installed (${PKGS[*]})"
  exit 0
fi
echo "build-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
