#!/usr/bin/env bash
# Installs AppArmor userspace (apparmor_parser) for the enforcer-apparmor host-real tests (apparmor_parser -Q -K).
# Idempotent: does nothing when the package is already installed.
set -euo pipefail
. "$(dirname "$0")/lib/apt-ensure.sh"
apt_ensure apparmor-deps apparmor
