#!/usr/bin/env bash
# Builds and tests the out-of-tree examples against the artefacts the main build installed (run it after
# `mvn install`), then checks issue 11 end to end with the CLI:
#   - examples/enforcer-landlock: `mvn verify` (unit, ArchUnit, real-kernel tests through varmor-exec);
#   - examples/embedding: `mvn verify`, then the embedding program itself (field-located errors, events of a run);
#   - with the Landlock plugin on the plugin path: `varmor rules` shows Landlock coverage, `varmor doctor` reports the
#     Landlock ABI, `varmor run` denies a write outside the allowed hierarchy and a TCP connect to a denied port while
#     the allowed write and connect work; without the plugin the same policy fails clearly.
# Prints PASS/FAIL per check and an "N passed, N failed" line; exits 1 when any check failed. Needs root and a kernel
# with Landlock ABI >= 4. Extra Maven options: VARMOR_EXAMPLES_MVN_OPTS (e.g. -o).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MVN=(mvn -B -ntp ${VARMOR_EXAMPLES_MVN_OPTS:-})
PASSED=0
FAILED=0
FAILURES=()
WORK=$(mktemp -d /tmp/varmor-examples.XXXXXX)
LISTENER_PID=""
cleanup() {
    [ -n "$LISTENER_PID" ] && kill "$LISTENER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); echo "PASS: $1"; }
fail() { FAILED=$((FAILED + 1)); FAILURES+=("$1"); echo "FAIL: $1"; [ -n "${2:-}" ] && sed 's/^/    | /' <<<"$2"; }
# check NAME OUTPUT PATTERN...: every extended regex must match OUTPUT
check() {
    local name=$1 out=$2; shift 2
    for re in "$@"; do
        if ! grep -Eq -- "$re" <<<"$out"; then
            fail "$name (missing /$re/)" "$out"
            return
        fi
    done
    pass "$name"
}

summary() {
    echo
    echo "examples-test summary:"
    for f in "${FAILURES[@]+"${FAILURES[@]}"}"; do echo "  FAILED: $f"; done
    echo "examples: $PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit $?
}

echo "== prerequisites (the main build)"
JAR=distribution/target/varmor.jar
M2=${MAVEN_REPO:-$HOME/.m2/repository}/io/varmor
if [ ! -f "$JAR" ] || [ ! -d "$M2/varmor-core/0.1.0-SNAPSHOT" ] || [ ! -d "$M2/distribution/0.1.0-SNAPSHOT" ]; then
    fail "main build present ($JAR and io.varmor artefacts in the local repository; run mvn install first)"
    summary
fi
pass "main build present"
export VARMOR_NO_BUILD=1

echo "== examples/enforcer-landlock: mvn verify"
if OUT=$("${MVN[@]}" -f examples/enforcer-landlock/pom.xml verify 2>&1); then
    pass "enforcer-landlock builds and its tests pass"
else
    fail "enforcer-landlock builds and its tests pass" "$(tail -60 <<<"$OUT")"
fi
grep -E "Tests run:|WARN.*Skipped" <<<"$OUT" | tail -1
PLUGIN_JAR=examples/enforcer-landlock/target/plugin/varmor-landlock-plugin.jar
PLUGINS=$WORK/plugins
mkdir -p "$PLUGINS"
if [ -f "$PLUGIN_JAR" ]; then
    cp "$PLUGIN_JAR" "$PLUGINS/"
else
    fail "plugin jar built ($PLUGIN_JAR)"
    summary
fi

echo "== examples/embedding: mvn verify"
if OUT=$("${MVN[@]}" -f examples/embedding/pom.xml verify 2>&1); then
    pass "embedding builds and its tests pass"
else
    fail "embedding builds and its tests pass" "$(tail -60 <<<"$OUT")"
fi
grep -E "Tests run:" <<<"$OUT" | tail -1

echo "== the embedding program"
EMB=examples/embedding
if [ -f "$EMB/target/classpath.txt" ]; then
    CP="$EMB/target/classes:$(cat "$EMB/target/classpath.txt")"
    OUT=$(java -cp "$CP" org.example.varmor.embedding.Main validate "$EMB/src/test/resources/invalid.yaml" 2>&1)
    CODE=$?
    check "embedding program prints field-located errors and exits 1" "exit $CODE
$OUT" "^exit 1$" \
        "invalid.yaml:15:9: unknown-rule: .*\(at spec\.policy\.enhanceProtect\.hardeningRules\[0\]\)" \
        "invalid.yaml:16:9: rule-not-enforceable: "
    OUT=$(java -cp "$CP" org.example.varmor.embedding.Main run "$EMB/src/test/resources/userns.yaml" -- unshare --user true 2>&1)
    check "embedding program consumes the violation events of a run" "$OUT" \
        "compiled Seccomp artefact" "event: DENIED by Seccomp \(rule disallow-create-user-ns\)"
else
    fail "embedding classpath written ($EMB/target/classpath.txt)"
fi

echo "== CLI with the Landlock plugin on the plugin path"
OUT=$(./varmor --plugins "$PLUGINS" rules 2>&1)
check "varmor rules shows a Landlock column" "$OUT" "^RULE +CATEGORY .*Landlock" "^disable-write-etc .* beyond vArmor: .*Landlock"
OUT=$(./varmor --plugins "$PLUGINS" rules --enforcer Landlock 2>&1)
if grep -q "disable-access-ssh-dir" <<<"$OUT"; then
    fail "varmor rules --enforcer Landlock lists only what Landlock covers" "$OUT"
else
    check "varmor rules --enforcer Landlock lists only what Landlock covers" "$OUT" "^disable-access-shadow " "^mitigate-sa-leak "
fi
OUT=$(VARMOR_PLUGIN_PATH="$PLUGINS" ./varmor doctor 2>&1)
check "varmor doctor reports the Landlock ABI (plugin found through VARMOR_PLUGIN_PATH)" "$OUT" \
    "^Landlock +available +Landlock: ABI [0-9]+ "

echo "== varmor run with a Landlock policy"
cat >"$WORK/Listen.java" <<'EOF'
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Two loopback listeners on ephemeral ports for at most 120 s; writes "PORT1 PORT2" to args[0]. */
public class Listen {
    public static void main(String[] args) throws Exception {
        ServerSocket[] s = {new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), new ServerSocket(0, 50, InetAddress.getLoopbackAddress())};
        Path tmp = Path.of(args[0] + ".tmp");
        Files.writeString(tmp, s[0].getLocalPort() + " " + s[1].getLocalPort() + "\n");
        Files.move(tmp, Path.of(args[0]));
        long end = System.currentTimeMillis() + 120_000;
        for (ServerSocket x : s) x.setSoTimeout(100);
        while (System.currentTimeMillis() < end) {
            for (ServerSocket x : s) {
                try { x.accept().close(); } catch (SocketTimeoutException e) { /* next */ }
            }
        }
    }
}
EOF
java "$WORK/Listen.java" "$WORK/ports" &
LISTENER_PID=$!
for _ in $(seq 1 100); do [ -f "$WORK/ports" ] && break; sleep 0.1; done
read -r ALLOWED_PORT DENIED_PORT <"$WORK/ports" || true
DATA=$WORK/data
mkdir -p "$DATA/allowed" "$DATA/denied"
POLICY=$WORK/landlock.yaml
sed -e "s|/tmp/varmor-landlock-demo/denied/\*\*|$DATA/denied/**|" -e "s|port: 18081|port: ${DENIED_PORT:-18081}|" \
    examples/enforcer-landlock/landlock-demo.yaml >"$POLICY"
PROBE_DIR=/etc/varmor-landlock-probe-$$
SCRIPT="echo ok > $DATA/allowed/f && echo ALLOWED-WRITE-OK
{ echo no > $DATA/denied/f; } 2>&1 | grep -q 'Permission denied' && echo DENIED-WRITE-OK
mkdir $PROBE_DIR 2>&1 | grep -q 'Permission denied' && echo ETC-DENIED-OK
(exec 3<>/dev/tcp/127.0.0.1/$ALLOWED_PORT) && echo ALLOWED-CONNECT-OK
(exec 3<>/dev/tcp/127.0.0.1/$DENIED_PORT) 2>&1 | grep -q 'Permission denied' && echo DENIED-CONNECT-OK
exit 0"
OUT=$(./varmor --plugins "$PLUGINS" run --policy "$POLICY" -- bash -c "$SCRIPT" 2>&1)
CODE=$?
rmdir "$PROBE_DIR" 2>/dev/null && OUT="$OUT
(created $PROBE_DIR: /etc was writable)"
check "varmor run: enforced by Landlock" "$OUT" "enforced by Landlock"
check "varmor run: write inside the allowed hierarchy works (control)" "$OUT" "ALLOWED-WRITE-OK"
if [ -e "$DATA/denied/f" ]; then
    fail "varmor run: write under the denied hierarchy is denied" "$OUT"
else
    check "varmor run: write under the denied hierarchy is denied (EACCES)" "$OUT" "DENIED-WRITE-OK"
fi
check "varmor run: mkdir under /etc is denied (disable-write-etc, EACCES)" "$OUT" "ETC-DENIED-OK"
check "varmor run: TCP connect to an allowed port works (control)" "$OUT" "ALLOWED-CONNECT-OK"
check "varmor run: TCP connect to the denied port is denied (EACCES)" "$OUT" "DENIED-CONNECT-OK"
check "varmor run: exit code of the command (0) returned" "exit $CODE" "^exit 0$"

echo "== the same policy without the plugin"
OUT=$(env -u VARMOR_PLUGIN_PATH ./varmor run --policy "$POLICY" -- true 2>&1)
CODE=$?
check "without the plugin the policy fails clearly (exit 125, names Landlock)" "exit $CODE: $OUT" \
    "^exit 125: " "no enforcer provides Landlock" "--plugins DIR"

summary
