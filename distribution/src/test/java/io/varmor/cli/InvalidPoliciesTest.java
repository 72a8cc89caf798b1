package io.varmor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.diag.Diagnostic;
import io.varmor.api.diag.ErrorId;
import io.varmor.api.diag.InvalidInputException;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.validate.PolicyValidator;
import io.varmor.core.validate.Problems;
import io.varmor.api.VarmorPolicy;
import io.varmor.api.io.Manifests;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The invalid cases of spec §16 case 3 and ours: each rejected with the right id, field path and line. */
class InvalidPoliciesTest {
    private static final String HEAD = """
            apiVersion: crd.varmor.org/v1beta1
            kind: VarmorPolicy
            metadata:
              name: demo
              namespace: demo
            spec:
            """;

    private final PolicyCompiler compiler = new PolicyCompiler(Plugins.discover(), CompileOptions.DEFAULT);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("name and selector", """
                          target:
                            kind: Deployment
                            name: x
                            selector:
                              matchLabels: {app: x}
                          policy: {enforcer: BPF, mode: AlwaysAllow}
                        """, ErrorId.TARGET_NAME_SELECTOR, "spec.target", 7),
                Arguments.of("neither name nor selector", """
                          target:
                            kind: Deployment
                          policy: {enforcer: BPF, mode: AlwaysAllow}
                        """, ErrorId.TARGET_NAME_SELECTOR, "spec.target", 7),
                Arguments.of("ReplicaSet target", """
                          target:
                            kind: ReplicaSet
                            name: x
                          policy: {enforcer: BPF, mode: AlwaysAllow}
                        """, ErrorId.TARGET_KIND, "spec.target.kind", 8),
                Arguments.of("EnhanceProtect without options", """
                          target: {kind: Pod, name: x}
                          policy:
                            enforcer: BPF
                            mode: EnhanceProtect
                        """, ErrorId.MODE_OPTIONS_MISSING, "spec.policy", 8),
                Arguments.of("DefenseInDepth with BPF but no BPF allow-list", """
                          target: {kind: Pod, name: x}
                          policy:
                            enforcer: BPF
                            mode: DefenseInDepth
                            defenseInDepth: {allowViolations: true}
                        """, ErrorId.MODE_OPTIONS_MISSING, "spec.policy.defenseInDepth", 11),
                Arguments.of("a BPF allow-list without the BPF enforcer", """
                          target: {kind: Pod, name: x}
                          policy:
                            enforcer: Seccomp
                            mode: DefenseInDepth
                            defenseInDepth:
                              seccomp: {profileType: BehaviorModel}
                              bpf: {profileType: BehaviorModel}
                        """, ErrorId.MODE_ENFORCER_CONFLICT, "spec.policy.defenseInDepth.bpf", 13),
                Arguments.of("a Custom BPF allow-list without its list", """
                          target: {kind: Pod, name: x}
                          policy:
                            enforcer: BPF
                            mode: DefenseInDepth
                            defenseInDepth:
                              bpf: {profileType: Custom}
                        """, ErrorId.MISSING_FIELD, "spec.policy.defenseInDepth.bpf.allowList", 12),
                Arguments.of("proxyPort equals proxyAdminPort", """
                          target: {kind: Pod, name: x}
                          policy:
                            enforcer: Seccomp
                            mode: AlwaysAllow
                            networkProxyConfig:
                              proxyPort: 15000
                              proxyAdminPort: 15000
                        """, ErrorId.NETWORK_PROXY, "spec.policy.networkProxyConfig.proxyAdminPort", 13),
                Arguments.of("egress.defaultAction block", """
                          target: {kind: Pod, name: x}
                          policy:
                            enforcer: NetworkProxy
                            mode: EnhanceProtect
                            enhanceProtect:
                              networkProxyRawRules:
                                egress:
                                  defaultAction: block
                        """, ErrorId.NETWORK_PROXY, "spec.policy.enhanceProtect.networkProxyRawRules.egress.defaultAction", 14),
                Arguments.of("unknown rule id", """
                          target: {kind: Pod, name: x}
                          policy:
                            enforcer: BPF
                            mode: EnhanceProtect
                            enhanceProtect:
                              hardeningRules:
                              - disable-cap-privileged
                              - disable-shel
                        """, ErrorId.UNKNOWN_RULE, "spec.policy.enhanceProtect.hardeningRules[1]", 14),
                Arguments.of("typo in a field name", """
                          target: {kind: Pod, name: x}
                          policy:
                            enforcer: BPF
                            mode: EnhanceProtect
                            enhanceProtect:
                              hardenningRules: [disable-shell]
                        """, ErrorId.UNKNOWN_FIELD, "spec.policy.enhanceProtect.hardenningRules", 12),
                Arguments.of("two ** in a BPF pattern", """
                          target: {kind: Pod, name: x}
                          policy:
                            enforcer: BPF
                            mode: EnhanceProtect
                            enhanceProtect:
                              bpfRawRules:
                                files:
                                - pattern: /a/**/b/**
                                  permissions: [read]
                                  qualifiers: [deny]
                        """, ErrorId.BAD_PATTERN, "spec.policy.enhanceProtect.bpfRawRules.files[0].pattern", 14),
                Arguments.of("single * with a slash", """
                          target: {kind: Pod, name: x}
                          policy:
                            enforcer: BPF
                            mode: EnhanceProtect
                            enhanceProtect:
                              bpfRawRules:
                                processes:
                                - pattern: /a/*/b
                                  permissions: [exec]
                                  qualifiers: [deny]
                        """, ErrorId.BAD_PATTERN, "spec.policy.enhanceProtect.bpfRawRules.processes[0].pattern", 14),
                Arguments.of("unknown enforcer", """
                          target: {kind: Pod, name: x}
                          policy: {enforcer: SELinux, mode: AlwaysAllow}
                        """, ErrorId.UNKNOWN_ENFORCER, "spec.policy.enforcer", 8),
                Arguments.of("unknown syscall in a raw rule", """
                          target: {kind: Pod, name: x}
                          policy:
                            enforcer: Seccomp
                            mode: EnhanceProtect
                            enhanceProtect:
                              syscallRawRules:
                              - names: [splise]
                                action: SCMP_ACT_ERRNO
                        """, ErrorId.BAD_SYSCALL_RULE, "spec.policy.enhanceProtect.syscallRawRules[0].names[0]", 13),
                Arguments.of("a rule no selected enforcer can enforce", """
                          target: {kind: Pod, name: x}
                          policy:
                            enforcer: Seccomp
                            mode: EnhanceProtect
                            enhanceProtect:
                              hardeningRules: [disable-cap-privileged]
                        """, ErrorId.RULE_NOT_ENFORCEABLE, "spec.policy.enhanceProtect.hardeningRules[0]", 12),
                Arguments.of("wrong type", """
                          target: {kind: Pod, name: x}
                          updateExistingWorkloads: yes please
                          policy: {enforcer: BPF, mode: AlwaysAllow}
                        """, ErrorId.WRONG_TYPE, "spec.updateExistingWorkloads", 8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRejectedWithIdPathAndLine(String name, String spec, ErrorId id, String path, int line) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> compiler.compileText(HEAD + spec));
        Diagnostic d = e.diagnostics().stream().filter(x -> x.id() == id).findFirst()
                .orElseThrow(() -> new AssertionError("expected " + id + " in " + e.diagnostics()));
        assertEquals(path, d.path());
        assertEquals(line, d.line(), d.toString());
        assertTrue(d.column() > 0);
    }

    @Test
    void aSeventyCharacterProfileNameIsRejected() {
        String yaml = HEAD.replace("name: demo\n", "name: " + "x".repeat(70) + "\n") + """
                  target: {kind: Pod, name: x}
                  policy: {enforcer: BPF, mode: AlwaysAllow}
                """;
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> compiler.compileText(yaml));
        Diagnostic d = e.diagnostics().get(0);
        assertEquals(ErrorId.PROFILE_NAME_TOO_LONG, d.id());
        assertEquals("metadata.name", d.path());
        assertEquals(4, d.line());
    }

    @Test
    void behaviorModelingIsRejectedWhenTheFeatureIsOff() {
        PolicyCompiler off = new PolicyCompiler(Plugins.discover(), new CompileOptions("varmor", false, 1024));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> off.compileText(HEAD + """
                  target: {kind: Pod, name: x}
                  policy:
                    enforcer: Seccomp
                    mode: BehaviorModeling
                    modelingOptions: {duration: 3}
                """));
        assertEquals(ErrorId.BEHAVIOR_MODELING_DISABLED, e.diagnostics().get(0).id());
    }

    @Test
    void malformedYamlIsASyntaxErrorWithItsLine() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> compiler.compileText(HEAD + "  target: {kind: Pod, name: x\n  policy: [\n"));
        assertEquals(ErrorId.YAML_SYNTAX, e.diagnostics().get(0).id());
        assertTrue(e.diagnostics().get(0).line() >= 7, e.diagnostics().toString());
    }

    @Test
    void allErrorsAreReportedAtOnce() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> compiler.compileText(HEAD + """
                  target: {kind: ReplicaSet}
                  policy:
                    enforcer: BPF
                    mode: EnhanceProtect
                    enhanceProtect:
                      hardeningRules: [no-such-rule, disable_cap_privileged, also-wrong]
                """));
        List<ErrorId> ids = e.diagnostics().stream().map(Diagnostic::id).toList();
        assertTrue(ids.contains(ErrorId.TARGET_KIND), ids.toString());
        assertTrue(ids.contains(ErrorId.TARGET_NAME_SELECTOR), ids.toString());
        assertEquals(2, ids.stream().filter(i -> i == ErrorId.UNKNOWN_RULE).count(), ids.toString());
    }

    @Test
    void updatesCannotChangeTheTargetOrDropAppArmorOrSeccomp() {
        VarmorPolicy before = Manifests.parseOne(HEAD + """
                  target: {kind: Pod, name: x}
                  policy: {enforcer: AppArmorSeccomp, mode: AlwaysAllow}
                """, VarmorPolicy.class);
        VarmorPolicy after = Manifests.parseOne(HEAD + """
                  target: {kind: Pod, name: y}
                  policy: {enforcer: AppArmor, mode: AlwaysAllow}
                """, VarmorPolicy.class);
        VarmorPolicy dropBpf = Manifests.parseOne(HEAD + """
                  target: {kind: Pod, name: x}
                  policy: {enforcer: AppArmorSeccomp, mode: AlwaysAllow}
                """, VarmorPolicy.class);
        List<String> known = compiler.knownEnforcers();
        Problems p = new Problems(null);
        PolicyValidator.validateUpdate(before, after, known, p);
        assertEquals(List.of(ErrorId.IMMUTABLE_FIELD, ErrorId.IMMUTABLE_FIELD), p.errors().stream().map(Diagnostic::id).toList());
        VarmorPolicy withBpf = Manifests.parseOne(HEAD + """
                  target: {kind: Pod, name: x}
                  policy: {enforcer: AppArmorBPFSeccomp, mode: AlwaysAllow}
                """, VarmorPolicy.class);
        Problems ok = new Problems(null);
        PolicyValidator.validateUpdate(withBpf, dropBpf, known, ok);
        assertTrue(ok.ok(), ok.errors().toString());
    }
}
