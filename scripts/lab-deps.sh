#!/usr/bin/env bash
# Installs what the kernel lab (varmor-testkit) needs: qemu (TCG), a static busybox for the initramfs,
# AppArmor userspace (apparmor_parser, aa-exec) and the libbpf runtime used from Java.
# Idempotent and quick: apt-get update only runs when something is missing or the apt lists cannot
# resolve the kernel meta-package (the lab downloads linux-image-<abi>-amd64 through it, never installs it).
set -euo pipefail
PKGS=(qemu-system-x86 busybox-static apparmor libbpf1 util-linux gzip)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ] || ! apt-cache depends linux-image-amd64 2>/dev/null | grep -q 'Depends: linux-image-'; then
  apt-get update -q
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "lab-deps: installing ${missing[*]}"
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "lab-deps: all installed (${PKGS[*]})"
fi
