package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.catalog.BuiltinRules;
import io.varmor.core.ir.Disposition;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.PathPattern;
import io.varmor.core.spi.RuleDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Coverage is derived from cannotEnforce; it must agree with the AppArmor column of spec §4. */
class CoverageTest {
    private static final AppArmorEnforcer AA = Policies.ENFORCER;

    /** Built-ins whose AppArmor column in spec §4 is "—" (plus varmor's own disallow-io-uring). */
    private static final Set<String> NOT_COVERED = Set.of("disallow-create-user-ns", "disallow-load-all-bpf-prog",
            "disallow-load-bpf-via-setsockopt", "disallow-userfaultfd-creation", "disallow-io-uring",
            "block-access-to-metadata-service", "block-access-to-aws-metadata-service",
            "block-access-to-volc-metadata-service", "block-access-to-alibaba-metadata-service",
            "block-access-to-oci-metadata-service", "block-access-to-kube-apiserver", "disable-chmod-x-bit",
            "disable-chmod-s-bit", "dirty-pipe-mitigation", "ingress-nightmare-mitigation");

    static boolean covered(RuleDefinition d, boolean privileged, List<String> targets) {
        return d.expand(new RuleDefinition.Context(privileged, Disposition.DENY, d.id(), targets)).stream()
                .allMatch(r -> AA.cannotEnforce(r).isEmpty());
    }

    @Test
    void builtinCoverageMatchesSpecAppArmorColumn() {
        Set<String> wrong = new TreeSet<>();
        for (RuleDefinition d : new BuiltinRules().rules()) {
            for (boolean privileged : new boolean[] {false, true}) {
                boolean expected = !NOT_COVERED.contains(d.id());
                if (covered(d, privileged, List.of()) != expected) {
                    wrong.add(d.id() + (privileged ? " (privileged)" : ""));
                }
            }
        }
        assertEquals(Set.of(), wrong);
    }

    @Test
    void coverageAgreesWithVarmorReferenceCoverage() {
        List<String> differ = new ArrayList<>();
        for (RuleDefinition d : new BuiltinRules().rules()) {
            if (covered(d, true, List.of()) != d.varmorCoverage().contains("AppArmor")) {
                differ.add(d.id());
            }
        }
        assertEquals(List.of(), differ);
    }

    @Test
    void rulesScopedToExecutablesAreAccepted() {
        for (RuleDefinition d : new BuiltinRules().rules()) {
            if (!NOT_COVERED.contains(d.id())) {
                assertTrue(covered(d, false, List.of("/bin/bash")), d.id());
            }
        }
    }

    @Test
    void socketRuleWithTypesAndProtocolsIsRefusedWithReason() {
        IrRule both = new IrRule.Socket(new TreeSet<>(Set.of(2)), new TreeSet<>(Set.of(1)), new TreeSet<>(Set.of(6)), true,
                Disposition.DENY, "raw", List.of());
        assertEquals(Optional.of("AppArmor network rules cannot restrict socket types and protocols at once"),
                AA.cannotEnforce(both));
    }

    @Test
    void socketRulesAppArmorCannotSayAreRefused() {
        assertTrue(AA.cannotEnforce(socket(Set.of(), Set.of(6), Set.of())).get().contains("dccp"));
        assertTrue(AA.cannotEnforce(socket(Set.of(12), Set.of(), Set.of())).get().contains("address family 12"));
        assertTrue(AA.cannotEnforce(new IrRule.Socket(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(Set.of(6)), false,
                Disposition.DENY, "raw", List.of())).get().contains("literal protocol"));
        assertTrue(AA.cannotEnforce(socket(Set.of(), Set.of(), Set.of(132))).get().contains("protocol 132"));
    }

    @Test
    void mountRulesOnOrdinaryOrReverseFlagsAreRefused() {
        IrRule nosuid = new IrRule.Mount(PathPattern.of("**"), "*", 2, 0, false, Disposition.DENY, "raw", List.of());
        IrRule notRo = new IrRule.Mount(PathPattern.of("**"), "*", 0, 1, false, Disposition.DENY, "raw", List.of());
        IrRule bindProc = new IrRule.Mount(PathPattern.of("**"), "proc", 4096, 0, false, Disposition.DENY, "raw", List.of());
        assertTrue(AA.cannotEnforce(nosuid).get().contains("whole flag set"));
        assertTrue(AA.cannotEnforce(notRo).get().contains("absence"));
        assertTrue(AA.cannotEnforce(bindProc).get().contains("fstype"));
    }

    @Test
    void primitivesAppArmorLacksAreRefused() {
        IrRule connect = new IrRule.Connect("10.0.0.0/8", false, null, List.of(), Disposition.DENY, "x", List.of());
        IrRule userns = new IrRule.UserNamespaceCreate(Disposition.DENY, "x", List.of());
        assertEquals(Optional.of("AppArmor has no connect primitive"), AA.cannotEnforce(connect));
        assertEquals(Optional.of("AppArmor has no userns-create primitive"), AA.cannotEnforce(userns));
    }

    @Test
    void rawRulesThatWouldCloseTheProfileAreRefused() {
        IrRule escape = new IrRule.RawAppArmor("deny /a r,\n}\nprofile evil {", Disposition.DENY, "raw", List.of());
        IrRule hat = new IrRule.RawAppArmor("^hat {\n  /a r,\n}\n", Disposition.DENY, "raw", List.of());
        assertTrue(AA.cannotEnforce(escape).get().contains("must not end it"));
        assertEquals(Optional.empty(), AA.cannotEnforce(hat));
    }

    @Test
    void relativePathPatternsAreRefused() {
        IrRule rel = new IrRule.File(PathPattern.of("etc/passwd"), Set.of(io.varmor.core.ir.FilePerm.READ),
                Disposition.DENY, "raw", List.of());
        assertTrue(AA.cannotEnforce(rel).get().contains("absolute"));
    }

    private static IrRule socket(Set<Integer> domains, Set<Integer> types, Set<Integer> protocols) {
        return new IrRule.Socket(new TreeSet<>(domains), new TreeSet<>(types), new TreeSet<>(protocols), true,
                Disposition.DENY, "raw", List.of());
    }
}
