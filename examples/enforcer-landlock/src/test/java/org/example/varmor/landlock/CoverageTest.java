package org.example.varmor.landlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.diag.InvalidInputException;
import io.varmor.core.catalog.Coverage;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.Enforcer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What varmor makes of the plugin when it finds it with ServiceLoader: coverage of the built-in rules (what
 * {@code varmor rules} shows) and policies naming {@code Landlock}. Tests may use varmor's compiler and catalogue;
 * the plugin's own classes may not (see {@link ArchitectureTest}).
 */
class CoverageTest {
    private final Plugins plugins = Plugins.discover(CoverageTest.class.getClassLoader());
    private final Enforcer landlock = plugins.enforcer("landlock").orElseThrow();

    private Coverage.Verdict verdict(String rule) {
        return Coverage.verdict(plugins.catalog().find(rule).orElseThrow(), landlock);
    }

    @Test
    void isFoundThroughItsServiceFile() {
        assertTrue(landlock instanceof LandlockEnforcer);
        assertEquals("Landlock", landlock.id());
    }

    @Test
    void coversTheBuiltInRulesItCanExpressExactly() {
        for (String rule : List.of("disable-write-etc", "disable-access-passwd", "disable-access-shadow", "mitigate-sa-leak",
                "disallow-access-kallsyms", "disallow-write-core-pattern", "disallow-access-procfs-root")) {
            assertTrue(verdict(rule).covered(), rule + ": " + verdict(rule).reason());
        }
        assertFalse(verdict("disable-access-ssh-dir").covered());
        assertTrue(verdict("disable-access-ssh-dir").reason().contains("by hierarchy"));
        assertTrue(verdict("block-access-to-metadata-service").reason().contains("not destinations"));
        assertTrue(verdict("disable-cap-all").reason().contains("no capability primitive"));
        assertTrue(verdict("disallow-debug-disk-device").reason().contains("AppArmor variables"));
    }

    private static String policy(String enforcer, String extra) {
        return "apiVersion: crd.varmor.org/v1beta1\nkind: VarmorPolicy\nmetadata:\n  name: ll\n  namespace: test\nspec:\n"
                + "  target:\n    kind: Pod\n    name: ll\n  policy:\n    enforcer: " + enforcer + "\n    mode: EnhanceProtect\n"
                + "    enhanceProtect:\n      auditViolations: true\n" + extra;
    }

    @Test
    void compilesAPolicyThatNamesLandlock() {
        String yaml = policy("Landlock", "      attackProtectionRules:\n      - rules:\n        - disable-write-etc\n"
                + "      bpfRawRules:\n        network:\n          egress:\n            toDestinations:\n"
                + "            - ports:\n              - port: 8081\n              qualifiers:\n              - deny\n");
        CompiledPolicy c = new PolicyCompiler(plugins, CompileOptions.DEFAULT).compileText(yaml).get(0);
        String text = c.artifacts().get("Landlock").content();
        assertTrue(text.contains("deny-fs beneath ") && text.contains(" deny-audit disable-write-etc /etc\n"), text);
        assertTrue(text.contains("deny-connect 8081-8081 deny spec.policy.enhanceProtect.bpfRawRules.network.egress.toDestinations[0]"), text);
    }

    @Test
    void refusesRulesItCannotEnforceWithFieldLocatedErrors() {
        String yaml = policy("Landlock", "      attackProtectionRules:\n      - rules:\n        - disable-access-ssh-dir\n");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new PolicyCompiler(plugins, CompileOptions.DEFAULT).compileText(yaml));
        String all = e.diagnostics().get(0).format("p.yaml");
        assertTrue(all.startsWith("p.yaml:17:11: rule-not-enforceable: rule disable-access-ssh-dir cannot be enforced by Landlock"), all);
    }
}
