package io.varmor.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.catalog.BuiltinRules;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeccompCompilerTest {
    static SeccompProfile compile(String enhanceProtectOrPolicy) {
        String yaml = """
                apiVersion: crd.varmor.org/v1beta1
                kind: VarmorPolicy
                metadata: {name: p, namespace: ns}
                spec:
                  target: {kind: Pod, name: x}
                  policy:
                """ + enhanceProtectOrPolicy.indent(4);
        var c = new PolicyCompiler(new Plugins(List.of(new SeccompEnforcer()), List.of(new BuiltinRules())), CompileOptions.DEFAULT)
                .compileText(yaml).get(0);
        return SeccompCompiler.parseCustom(c.artifacts().get("Seccomp").content());
    }

    static SeccompProfile.Syscall rule(SeccompProfile p, String name) {
        return p.syscalls().stream().filter(s -> s.names().contains(name)).findFirst().orElseThrow();
    }

    @Test
    void rawRuleOnASyscallABuiltinAlreadyBlocksIsMergedIntoOneRule() {
        SeccompProfile p = compile("""
                enforcer: Seccomp
                mode: EnhanceProtect
                enhanceProtect:
                  vulMitigationRules: [dirty-pipe-mitigation]
                  syscallRawRules:
                  - names: [splice]
                    action: SCMP_ACT_ERRNO
                """);
        assertEquals(1, p.syscalls().stream().filter(s -> s.names().contains("splice")).count());
    }

    @Test
    void rawChmodWithoutArgumentsBlocksEveryChmodNextToTheXBitRule() {
        SeccompProfile p = compile("""
                enforcer: Seccomp
                mode: EnhanceProtect
                enhanceProtect:
                  attackProtectionRules: [{rules: [disable-chmod-x-bit]}]
                  syscallRawRules:
                  - names: [chmod]
                    action: SCMP_ACT_ERRNO
                """);
        List<SeccompProfile.Syscall> chmod = p.syscalls().stream().filter(s -> s.names().contains("chmod")).toList();
        assertEquals(2, chmod.size());
        assertEquals(3, chmod.get(0).args().size(), "x bits for user, group and others are alternatives on arg 1");
        assertNull(chmod.get(1).args(), "the raw rule blocks chmod outright");
    }

    @Test
    void userNamespacesAreBlockedThroughUnshareCloneAndClone3() {
        SeccompProfile p = compile("""
                enforcer: Seccomp
                mode: EnhanceProtect
                enhanceProtect:
                  hardeningRules: [disallow-create-user-ns]
                """);
        assertEquals(0x10000000L, rule(p, "unshare").args().get(0).value());
        assertEquals(0x10000000L, rule(p, "clone").args().get(0).value());
        assertEquals(38L, rule(p, "clone3").errnoRet());
        assertTrue(p.architectures().contains("SCMP_ARCH_X86"));
    }

    @Test
    void allowAndAuditLogsButAllowAloneStillBlocks() {
        SeccompProfile logged = compile("""
                enforcer: Seccomp
                mode: EnhanceProtect
                enhanceProtect: {allowViolations: true, auditViolations: true, vulMitigationRules: [dirty-pipe-mitigation]}
                """);
        assertEquals("SCMP_ACT_LOG", rule(logged, "splice").action());
        SeccompProfile blocked = compile("""
                enforcer: Seccomp
                mode: EnhanceProtect
                enhanceProtect: {allowViolations: true, vulMitigationRules: [dirty-pipe-mitigation]}
                """);
        assertEquals("SCMP_ACT_ERRNO", rule(blocked, "splice").action());
    }

    @Test
    void modesHaveVarmorsDefaultActions() {
        assertEquals("SCMP_ACT_ALLOW", compile("enforcer: Seccomp\nmode: AlwaysAllow\n").defaultAction());
        assertEquals("SCMP_ACT_LOG", compile("enforcer: Seccomp\nmode: BehaviorModeling\nmodelingOptions: {duration: 3}\n").defaultAction());
        SeccompProfile did = compile("""
                enforcer: Seccomp
                mode: DefenseInDepth
                defenseInDepth:
                  seccomp:
                    profileType: Custom
                    customProfile: '{"defaultAction": "SCMP_ACT_LOG", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}'
                    syscallRawRules: [{names: [splice], action: SCMP_ACT_ERRNO}]
                """);
        assertEquals("SCMP_ACT_ERRNO", did.defaultAction());
        assertEquals(List.of("splice"), did.syscalls().get(did.syscalls().size() - 1).names());
    }
}
