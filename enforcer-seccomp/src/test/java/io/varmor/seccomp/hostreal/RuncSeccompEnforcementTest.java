package io.varmor.seccomp.hostreal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Host-real: varmor's generated OCI seccomp profiles, put into {@code linux.seccomp} of rootful runc containers, block
 * what each Seccomp rule promises (spec §16 cases 24–28) and nothing else.
 *
 * <p>runc skips syscall names its libseccomp cannot resolve, silently. Upstream libseccomp 2.5.4 cannot name
 * {@code fchmodat2} (Linux 6.6), so with it {@code fchmodat2(…, 0100)} would <em>not</em> be blocked; Debian 12's
 * 2.5.4-1+deb12u1 can, and there it is blocked. The test asks the library runc links and expects the gap only when it
 * cannot name the syscall (and prints it).
 */
class RuncSeccompEnforcementTest {
    private static Path probe;

    @BeforeAll
    static void build() {
        Runc.require();
        probe = NativeBuild.probe();
    }

    static List<String> seccompRules() {
        return Policies.seccompRuleIds();
    }

    private static int underRunc(ProbeCase c) {
        if (c.fchmodat2() && c.errnoUnderRule() != 0 && !Runc.knowsFchmodat2()) {
            System.out.println("[runc gap] libseccomp " + Runc.libseccompVersion() + " cannot name fchmodat2: " + c.key() + " is allowed");
            return 0;
        }
        return c.errnoUnderRule();
    }

    private static Proc.Output runCases(Policies.Compiled profile, List<ProbeCase> cases) {
        return Runc.run(probe, profile == null ? null : profile.json(), Expect.script("/probe", "/tmp", cases));
    }

    @Test
    void everyShippedSeccompRuleHasProbeCases() {
        assertEquals(new TreeSet<>(ProbeCase.byRule().keySet()), new TreeSet<>(seccompRules()));
    }

    @ParameterizedTest
    @MethodSource("seccompRules")
    void ruleBlocksItsSyscallsWithTheExpectedErrnoAndLeavesControlsAlone(String rule) {
        List<ProbeCase> cases = ProbeCase.byRule().get(rule);
        Proc.Output out = runCases(Policies.enhanceProtect(List.of(rule), List.of(), false, false), cases);
        Expect.results("runc with " + rule, cases, RuncSeccompEnforcementTest::underRunc, out);
    }

    @ParameterizedTest
    @MethodSource("seccompRules")
    void withoutTheRuleButWithEveryOtherRuleTheSameSyscallsSucceed(String rule) {
        List<String> others = new ArrayList<>(seccompRules());
        others.remove(rule);
        List<ProbeCase> blocked = ProbeCase.byRule().get(rule).stream().filter(c -> c.errnoUnderRule() != 0).toList();
        Proc.Output out = runCases(Policies.enhanceProtect(others, List.of(), false, false), blocked);
        Expect.results("runc without " + rule, blocked, c -> 0, out);
    }

    @Test
    void withoutAnyProfileEveryProbeSucceeds() {
        List<ProbeCase> all = ProbeCase.byRule().values().stream().flatMap(List::stream).toList();
        Expect.results("runc without seccomp", all, c -> 0, runCases(null, all));
    }

    @Test
    void rawSpliceRuleMergesWithDirtyPipeIntoOneRuleThatBlocksSplice() {
        Policies.Compiled p = Policies.enhanceProtect(List.of("dirty-pipe-mitigation"),
                List.of("{names: [splice], action: SCMP_ACT_ERRNO}"), false, false);
        assertEquals(1, p.profile().syscalls().stream().filter(s -> s.names().contains("splice")).count(), p.json());
        List<ProbeCase> cases = List.of(new ProbeCase("splice", null, ProbeCase.EPERM));
        Expect.results("runc raw splice", cases, ProbeCase::errnoUnderRule, runCases(p, cases));
    }

    @Test
    void rawChmodWithoutArgumentsNextToTheXBitRuleBlocksEveryChmodButNotFchmodat() {
        Policies.Compiled p = Policies.enhanceProtect(List.of("disable-chmod-x-bit"),
                List.of("{names: [chmod], action: SCMP_ACT_ERRNO}"), false, false);
        List<ProbeCase> cases = List.of(new ProbeCase("chmod", "0644", ProbeCase.EPERM), new ProbeCase("chmod", "0600", ProbeCase.EPERM),
                new ProbeCase("chmod", "0755", ProbeCase.EPERM), new ProbeCase("fchmodat", "0644", 0),
                new ProbeCase("fchmodat", "0755", ProbeCase.EPERM));
        Expect.results("runc raw chmod", cases, ProbeCase::errnoUnderRule, runCases(p, cases));
    }

    @Test
    void allowAndAuditViolationsLetsSyscallsThroughButAllowAloneStillBlocks() {
        List<ProbeCase> splice = List.of(new ProbeCase("splice", null, ProbeCase.EPERM));
        Policies.Compiled logged = Policies.enhanceProtect(List.of("dirty-pipe-mitigation"), List.of(), true, true);
        assertTrue(logged.json().contains("SCMP_ACT_LOG"), logged.json());
        Expect.results("runc allow+audit", splice, c -> 0, runCases(logged, splice));
        Policies.Compiled allowOnly = Policies.enhanceProtect(List.of("dirty-pipe-mitigation"), List.of(), true, false);
        Expect.results("runc allow only", splice, ProbeCase::errnoUnderRule, runCases(allowOnly, splice));
    }

    @Test
    void specAcceptanceCommandsFailOrSucceedAsDocumented() {
        // spec §16 cases 25 and 26, with busybox applets as a user would type them
        Policies.Compiled p = Policies.enhanceProtect(List.of("disallow-create-user-ns", "disable-chmod-x-bit", "disable-chmod-s-bit"),
                List.of(), false, false);
        String script = "b=/bin/busybox; $b touch /tmp/f; "
                + "for c in 'unshare -U true' 'unshare -m true' 'chmod +x /tmp/f' 'chmod 0755 /tmp/f' 'chmod u+s /tmp/f' 'chmod 0644 /tmp/f'; do "
                + "$b $c 2>/dev/null; echo \"CMD $c => $?\"; done";
        String out = Runc.run(probe, p.json(), script).stdout();
        assertTrue(out.contains("CMD unshare -U true => 1"), out);
        assertTrue(out.contains("CMD unshare -m true => 0"), out);
        assertTrue(out.contains("CMD chmod +x /tmp/f => 1"), out);
        assertTrue(out.contains("CMD chmod 0755 /tmp/f => 1"), out);
        assertTrue(out.contains("CMD chmod u+s /tmp/f => 1"), out);
        assertTrue(out.contains("CMD chmod 0644 /tmp/f => 0"), out);
    }
}
