package io.varmor.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.diag.ErrorId;
import io.varmor.api.diag.InvalidInputException;
import io.varmor.api.io.Manifests;
import io.varmor.core.catalog.BuiltinRules;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.PolicyCompiler;
import java.util.List;
import org.junit.jupiter.api.Test;

public class BpfCompilerTest {
    static final String HEAD = """
            apiVersion: crd.varmor.org/v1beta1
            kind: VarmorPolicy
            metadata: {name: p, namespace: ns}
            spec:
              target: {kind: Pod, name: x}
              policy:
                enforcer: BPF
            """;

    /** The BPF tables of a VarmorPolicy whose spec.policy is {@code enforcer: BPF} followed by {@code policy}. */
    public static BpfTables compile(BpfEnforcer e, String policy) throws Exception {
        var c = new PolicyCompiler(new io.varmor.core.plugin.Plugins(List.of(e), List.of(new BuiltinRules())), CompileOptions.DEFAULT)
                .compileText(HEAD + policy.indent(4)).get(0);
        return Manifests.json().readValue(c.artifacts().get("BPF").content(), BpfTables.class);
    }

    @Test
    void runtimeDefaultRulesArePrependedForNonPrivilegedProfiles() throws Exception {
        BpfTables t = compile(new BpfEnforcer(), "mode: EnhanceProtect\nenhanceProtect: {attackProtectionRules: [{rules: [disable-write-etc]}]}\n");
        assertEquals("runtime-default", t.files().get(0).rule());
        assertEquals("disable-write-etc", t.files().get(t.files().size() - 1).rule());
        assertEquals("prefix", t.files().get(t.files().size() - 1).match());
        assertEquals(1, t.mounts().size());
    }

    @Test
    void exactPathsAreExactAndCapabilitiesAreMasks() throws Exception {
        BpfTables t = compile(new BpfEnforcer(), """
                mode: EnhanceProtect
                enhanceProtect:
                  privileged: true
                  auditViolations: true
                  hardeningRules: [disable-cap-net-admin]
                  attackProtectionRules: [{rules: [disable-access-passwd]}]
                """);
        assertEquals("exact", t.files().get(0).match());
        assertEquals("/etc/passwd", t.files().get(0).prefix());
        assertEquals(BpfTables.DENY | BpfTables.AUDIT, t.files().get(0).mode());
        assertEquals(1L << 12, t.capabilitiesDenied());
        assertEquals(BpfTables.DENY | BpfTables.AUDIT, t.capabilities().get(0).mode());
        assertEquals("disable-cap-net-admin", t.capabilities().get(0).rule());
    }

    @Test
    void tablesBeyondCapacityAreAClearError() {
        StringBuilder files = new StringBuilder("mode: EnhanceProtect\nenhanceProtect:\n  privileged: true\n  bpfRawRules:\n    files:\n");
        for (int i = 0; i < 5; i++) {
            files.append("    - {pattern: /f").append(i).append(", permissions: [read], qualifiers: [deny]}\n");
        }
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> compile(new BpfEnforcer(4), files.toString()));
        assertEquals(ErrorId.TOO_MANY_RULES, e.diagnostics().get(0).id());
        assertTrue(e.diagnostics().get(0).message().contains("max: 4, expected: 5"), e.diagnostics().get(0).message());
    }

    @Test
    void egressRulesKeepPortRanges() throws Exception {
        BpfTables t = compile(new BpfEnforcer(), """
                mode: EnhanceProtect
                enhanceProtect:
                  privileged: true
                  bpfRawRules:
                    network:
                      egress:
                        toDestinations:
                        - {cidr: 192.168.1.0/24, ports: [{port: 80, endPort: 8080}], qualifiers: [deny]}
                """);
        assertEquals("192.168.1.0/24", t.egress().get(0).cidr());
        assertEquals(8080, t.egress().get(0).ports().get(0)[1]);
    }

    @Test
    void eighteenSinglePortsBecomeTwoNetworkRulesAsInVarmor() throws Exception {
        StringBuilder ports = new StringBuilder();
        for (int p = 1; p <= 18; p++) {
            ports.append(p == 1 ? "" : ", ").append("{port: ").append(1000 + p).append("}");
        }
        BpfTables t = compile(new BpfEnforcer(), """
                mode: EnhanceProtect
                enhanceProtect:
                  privileged: true
                  bpfRawRules:
                    network:
                      egress:
                        toDestinations:
                        - {cidr: 10.0.0.0/8, ports: [%s], qualifiers: [deny]}
                """.formatted(ports));
        assertEquals(2, t.egress().size());
        assertEquals(16, t.egress().get(0).ports().size());
        assertEquals(2, t.egress().get(1).ports().size());
    }

    @Test
    void fileNamePatternsFromRawRulesAreBasenameRows() throws Exception {
        BpfTables t = compile(new BpfEnforcer(), """
                mode: EnhanceProtect
                enhanceProtect:
                  privileged: true
                  bpfRawRules:
                    files:
                    - {pattern: "lib*.so", permissions: [read], qualifiers: [deny]}
                """);
        assertEquals("basename", t.files().get(0).match());
        assertEquals("lib", t.files().get(0).prefix());
        assertEquals(".so", t.files().get(0).suffix());
    }
}
