#!/usr/bin/env bash
# Installs what the host-real Seccomp tests (enforcer-seccomp) need: runc (rootful containers with our profiles),
# a static busybox for the test rootfs, libseccomp (runtime, loaded by SeccompFilterBuilder) and a C compiler with a
# static libc (the probe program and varmor-exec are built by the tests).
# Idempotent: does nothing (no apt-get update) when every package is already installed.
set -euo pipefail
PKGS=(runc busybox-static libseccomp2 gcc libc6-dev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "seccomp-deps: all installed (${PKGS[*]})"
  exit 0
fi
echo "seccomp-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
