package io.varmor.seccomp.hostreal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Host-real: the same profiles as {@link RuncSeccompEnforcementTest}, but built into classic BPF by varmor's own
 * {@code SeccompFilterBuilder} and installed by {@code varmor-exec} (no_new_privs, {@code SECCOMP_FILTER_FLAG_LOG})
 * before the probe executes. The outcome must be identical to runc's.
 */
class VarmorExecSeccompEnforcementTest {
    private static Path probe;

    @BeforeAll
    static void build() {
        VarmorExec.require();
        probe = NativeBuild.probe();
        NativeBuild.launcher();
    }

    static List<String> seccompRules() {
        return Policies.seccompRuleIds();
    }

    private static Proc.Output run(Policies.Compiled profile, List<ProbeCase> cases) {
        Path dir = VarmorExec.scratch();
        Path filter = profile == null ? null : VarmorExec.export(profile, dir);
        return VarmorExec.runCases(probe, filter, dir, cases);
    }

    @ParameterizedTest
    @MethodSource("seccompRules")
    void ruleBlocksItsSyscallsWithTheExpectedErrnoAndLeavesControlsAlone(String rule) {
        List<ProbeCase> cases = ProbeCase.byRule().get(rule);
        Proc.Output out = run(Policies.enhanceProtect(List.of(rule), List.of(), false, false), cases);
        Expect.results("varmor-exec with " + rule, cases, ProbeCase::errnoUnderRule, out);
    }

    @ParameterizedTest
    @MethodSource("seccompRules")
    void withoutTheRuleButWithEveryOtherRuleTheSameSyscallsSucceed(String rule) {
        List<String> others = new ArrayList<>(seccompRules());
        others.remove(rule);
        List<ProbeCase> blocked = ProbeCase.byRule().get(rule).stream().filter(c -> c.errnoUnderRule() != 0).toList();
        Expect.results("varmor-exec without " + rule, blocked, c -> 0, run(Policies.enhanceProtect(others, List.of(), false, false), blocked));
    }

    @Test
    void withoutAFilterEveryProbeSucceeds() {
        List<ProbeCase> all = ProbeCase.byRule().values().stream().flatMap(List::stream).toList();
        Expect.results("varmor-exec without seccomp", all, c -> 0, run(null, all));
    }

    @Test
    void rawSpliceRuleMergedWithDirtyPipeBlocksSplice() {
        Policies.Compiled p = Policies.enhanceProtect(List.of("dirty-pipe-mitigation"),
                List.of("{names: [splice], action: SCMP_ACT_ERRNO}"), false, false);
        List<ProbeCase> cases = List.of(new ProbeCase("splice", null, ProbeCase.EPERM));
        Expect.results("varmor-exec raw splice", cases, ProbeCase::errnoUnderRule, run(p, cases));
    }

    @Test
    void rawChmodWithoutArgumentsNextToTheXBitRuleBlocksEveryChmodButNotFchmodat() {
        Policies.Compiled p = Policies.enhanceProtect(List.of("disable-chmod-x-bit"),
                List.of("{names: [chmod], action: SCMP_ACT_ERRNO}"), false, false);
        List<ProbeCase> cases = List.of(new ProbeCase("chmod", "0644", ProbeCase.EPERM), new ProbeCase("chmod", "0755", ProbeCase.EPERM),
                new ProbeCase("fchmodat", "0644", 0), new ProbeCase("fchmodat", "0755", ProbeCase.EPERM));
        Expect.results("varmor-exec raw chmod", cases, ProbeCase::errnoUnderRule, run(p, cases));
    }

    @Test
    void allowAndAuditViolationsLetsSyscallsThroughButAllowAloneStillBlocks() {
        List<ProbeCase> splice = List.of(new ProbeCase("splice", null, ProbeCase.EPERM));
        Expect.results("varmor-exec allow+audit", splice, c -> 0,
                run(Policies.enhanceProtect(List.of("dirty-pipe-mitigation"), List.of(), true, true), splice));
        Expect.results("varmor-exec allow only", splice, ProbeCase::errnoUnderRule,
                run(Policies.enhanceProtect(List.of("dirty-pipe-mitigation"), List.of(), true, false), splice));
    }

    @Test
    void theLauncherReallyRunsTheTargetInSeccompFilterMode() {
        Path dir = VarmorExec.scratch();
        Path filter = VarmorExec.export(Policies.enhanceProtect(List.of("dirty-pipe-mitigation"), List.of(), false, false), dir);
        Proc.Output out = Proc.run(VarmorExec.command(filter, List.of("/bin/busybox", "grep", "^Seccomp:", "/proc/self/status")), dir,
                java.time.Duration.ofSeconds(30));
        assertEquals("Seccomp:\t2", out.stdout().trim(), out.all());
    }
}
