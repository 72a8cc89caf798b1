#!/usr/bin/env bash
# Installs AppArmor userspace (apparmor_parser) for the enforcer-apparmor host-real tests (apparmor_parser -Q -K).
# Idempotent: does nothing when the package is already installed.
set -euo pipefail
if dpkg -s apparmor >/dev/null 2>&1; then
  echo "apparmor-deps: apparmor installed ($(apparmor_parser --version | head -1))"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends apparmor
