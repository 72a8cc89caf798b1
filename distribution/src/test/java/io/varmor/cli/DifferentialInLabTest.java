package io.varmor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.testkit.GuestJava;
import io.varmor.testkit.KernelLabExtension;
import io.varmor.testkit.Lab;
import io.varmor.testkit.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The AppArmor-vs-BPF differential test (kernel lab): for every built-in rule both enforcers claim, the same IR must
 * give the same allow/deny decision under each on the same action list ({@link DifferentialGuest#actions()}). The
 * only differences allowed are the intended ones written down in {@link #INTENDED} (and in
 * enforcer-apparmor/README.md); a new difference, or a documented one that disappeared, fails the test.
 */
@Tag("kernel-lab")
@ExtendWith(KernelLabExtension.class)
class DifferentialInLabTest {
    /** Decision classes compared: an errno other than EPERM/EACCES means the operation failed for its own reasons. */
    enum Decision { ALLOW, DENY, ERROR }

    /** rule → action → enforcer → decision; rule "-" is the unconfined baseline. */
    static final Map<String, Map<String, Map<String, Decision>>> MATRIX = new TreeMap<>();
    static String guestLog;
    /** Unconfined result (errno) per action. */
    static final Map<String, Integer> BASELINE = new TreeMap<>();

    /**
     * Intended semantic differences, "rule action" → why. Keep in step with enforcer-apparmor/README.md.
     */
    static final Map<String, String> INTENDED = Map.of(
            "disable-wget exec-symlink-named-wget", "AppArmor matches the resolved executable, BPF the exec filename",
            "disable-wget read-wget-binary", "AppArmor's exec deny is `deny <glob> rx`: reading the binary is denied too",
            "disable-icmp socket-inet-icmp-dgram", "AppArmor mediates family + type: a ping socket is an inet dgram socket",
            "disable-icmp socket-inet6-icmpv6-dgram", "the same for ICMPv6 ping sockets",
            "disable-icmp cap-net_raw", "AppArmor's ICMP rule is `network inet raw`, which also catches raw UDP",
            "disable-udp cap-net_raw", "BPF matches protocol 17 on a raw socket; AppArmor's UDP rule is `network inet dgram`",
            "disable-udp socket-inet-icmp-dgram", "ping sockets are dgram sockets to AppArmor, ICMP to BPF",
            "disable-udp socket-inet6-icmpv6-dgram", "the same for ICMPv6 ping sockets",
            "disallow-mount fsmount-tmpfs", "AppArmor on this kernel (6.1) does not mediate the new mount API "
                    + "(fsopen/fsmount/move_mount); BPF hooks move_mount");

    /**
     * Rules whose effect no action of the list can show, and why. Each other rule must deny at least one action under
     * both enforcers.
     */
    static final Map<String, String> NOT_EXERCISED = Map.ofEntries(
            Map.entry("disallow-debug-disk-device", "the lab guest has no block devices (/proc/partitions is empty)"),
            Map.entry("disallow-mount-disk-device", "the lab guest has no block devices"),
            Map.entry("disable-cap-audit-control", "no audit-control action in the list"),
            Map.entry("disable-cap-audit-read", "no audit multicast action in the list"),
            Map.entry("disable-cap-audit-write", "no audit netlink action in the list"),
            Map.entry("disable-cap-block-suspend", "EPOLLWAKEUP without the capability is dropped silently, no error"),
            Map.entry("disable-cap-bpf", "BPF program loading falls back to CAP_SYS_ADMIN"),
            Map.entry("disable-cap-checkpoint-restore", "ns_last_pid falls back to CAP_SYS_ADMIN"),
            Map.entry("disable-cap-fsetid", "without it the kernel clears set-id bits silently, no error"),
            Map.entry("disable-cap-ipc-owner", "no foreign System V IPC object in the lab"),
            Map.entry("disable-cap-linux-immutable", "the lab's writable filesystems do not take inode flags"),
            Map.entry("disable-cap-mac-admin", "loading AppArmor policy from the probe would disturb the test"),
            Map.entry("disable-cap-mac-override", "no MAC-override path on this kernel"),
            Map.entry("disable-cap-net-broadcast", "the kernel never checks CAP_NET_BROADCAST"),
            Map.entry("disable-cap-perfmon", "perf falls back to CAP_SYS_ADMIN"),
            Map.entry("disable-cap-setfcap", "the lab's writable filesystems do not take security.capability"),
            Map.entry("disable-cap-syslog", "syslog() falls back to CAP_SYS_ADMIN"));

    /**
     * Operations whose unconfined result is an error raised after the security hooks passed (so it counts as
     * allowed): action → errno.
     */
    static final Map<String, Integer> FAILS_AFTER_THE_HOOKS = Map.of(
            "cap-sys_module", 8, // ENOEXEC: the capability is checked before the (empty) image is looked at
            "connect-loopback", 111, // ECONNREFUSED: nothing listens on port 9
            "socket-alg", 97); // EAFNOSUPPORT: the lab kernel has no af_alg module loaded

    @BeforeAll
    static void runDifferential(Lab lab) throws Exception {
        Path vprobe = vprobe();
        List<String> java = GuestJava.argv(DifferentialGuest.class, vprobe.toString());
        Result r = lab.run(Fixtures.inPrivateEtc("", java), Duration.ofMinutes(20), Path.of("/"));
        guestLog = r.stdout() + "\n" + r.stderr();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 5 && f[0].equals("D")) {
                int code = Integer.parseInt(f[4]);
                if (f[1].equals("-")) {
                    BASELINE.put(f[3], code);
                }
                Decision d = code == 0 || Integer.valueOf(code).equals(FAILS_AFTER_THE_HOOKS.get(f[3])) ? Decision.ALLOW
                        : code == 1 || code == 13 ? Decision.DENY : Decision.ERROR;
                MATRIX.computeIfAbsent(f[1], k -> new TreeMap<>()).computeIfAbsent(f[3], k -> new TreeMap<>())
                        .put(f[2], d);
            } else if (line.startsWith("T ") || line.startsWith("X ")) {
                System.out.println("[differential] " + line);
            }
        }
        assertTrue(MATRIX.size() > 1, "the guest reported no results:\n" + guestLog);
        System.out.println("[differential] " + summary());
    }

    static String summary() {
        StringBuilder sb = new StringBuilder();
        MATRIX.forEach((rule, byAction) -> {
            List<String> denied = new ArrayList<>();
            byAction.forEach((action, byEnf) -> {
                if (byEnf.values().stream().anyMatch(d -> d == Decision.DENY)) {
                    denied.add(action + (new TreeSet<>(byEnf.values()).size() > 1 ? byEnf.toString() : ""));
                }
            });
            sb.append('\n').append(rule).append(": ").append(denied);
        });
        return sb.toString();
    }

    @Test
    void everyActionIsAllowedUnconfined() {
        Map<String, Map<String, Decision>> base = MATRIX.get("-");
        assertTrue(base != null && base.size() == DifferentialGuest.actions().size(), guestLog);
        List<String> notAllowed = base.entrySet().stream().filter(e -> e.getValue().get("none") != Decision.ALLOW)
                .map(e -> e.getKey() + " errno " + BASELINE.get(e.getKey())).toList();
        assertEquals(List.of(), notAllowed, "actions that fail without any policy make no evidence");
    }

    @Test
    void everyRuleBothEnforceIsExercisedOrSaysWhyNot() {
        Set<String> rules = new TreeSet<>(MATRIX.keySet());
        rules.remove("-");
        Set<String> silent = new TreeSet<>();
        for (String rule : rules) {
            boolean both = MATRIX.get(rule).values().stream()
                    .anyMatch(byEnf -> byEnf.values().stream().allMatch(d -> d == Decision.DENY));
            if (!both) {
                silent.add(rule);
            }
        }
        assertEquals(new TreeSet<>(NOT_EXERCISED.keySet()), silent,
                "rules that deny no action under both enforcers (extend the action list, or say why in NOT_EXERCISED)");
        assertTrue(rules.size() >= 80, "rules compared: " + rules.size());
    }

    @Test
    void appArmorAndBpfDecideAlikeExceptForTheIntendedDifferences() {
        Set<String> differences = new TreeSet<>();
        MATRIX.forEach((rule, byAction) -> byAction.forEach((action, byEnf) -> {
            if (!rule.equals("-") && !byEnf.get("AppArmor").equals(byEnf.get("BPF"))) {
                differences.add(rule + " " + action + " " + byEnf);
            }
        }));
        Set<String> unexpected = new TreeSet<>();
        Set<String> seen = new TreeSet<>();
        for (String d : differences) {
            String key = d.substring(0, d.indexOf(" {"));
            if (INTENDED.containsKey(key)) {
                seen.add(key);
            } else {
                unexpected.add(d);
            }
        }
        assertEquals(Set.of(), unexpected, "undocumented AppArmor/BPF differences");
        assertEquals(new TreeSet<>(INTENDED.keySet()), seen, "documented differences that no longer occur");
    }

    private static Path vprobe() {
        return io.varmor.testkit.CHelper.build(Fixtures.root().resolve("enforcer-bpf/src/test/c/vprobe.c"),
                Fixtures.root().resolve("distribution/target/vprobe"), "-static");
    }
}
