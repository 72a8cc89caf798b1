#!/usr/bin/env bash
# Seccomp filter cost benchmark: runs the probe's syscall loops under varmor-exec with no filter and with varmor
# filters of growing size, interleaved, and prints a table of medians and ratios (io.varmor.seccomp.hostreal.SeccompBench).
# Usage: scripts/bench-seccomp.sh [rounds=5] [getppid-iterations=2000000] [open+close-iterations=300000]
# Needs root, cc with a static libc and libseccomp2 (scripts/seccomp-deps.sh). Set MVN_OPTS_EXTRA=-o to build offline.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mvn -B -q ${MVN_OPTS_EXTRA:-} install -pl enforcer-seccomp -am -DskipTests
mvn -B -q ${MVN_OPTS_EXTRA:-} -pl enforcer-seccomp dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt
M=enforcer-seccomp
exec java -Dbasedir="$ROOT/$M" -cp "$M/target/test-classes:$M/target/classes:$(cat $M/target/bench-classpath.txt)" \
  io.varmor.seccomp.hostreal.SeccompBench "$@"
