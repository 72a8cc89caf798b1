#!/usr/bin/env bash
# Installs what the host-real Seccomp tests (enforcer-seccomp) need: runc (rootful containers with our profiles),
# a static busybox for the test rootfs, libseccomp (runtime, loaded by SeccompFilterBuilder) and a C compiler with a
# static libc (the probe program and varmor-exec are built by the tests).
# Idempotent: does nothing (no apt-get update) when every package is already installed.
set -euo pipefail
. "$(dirname "$0")/lib/apt-ensure.sh"
apt_ensure seccomp-deps runc busybox-static libseccomp2 gcc libc6-dev
