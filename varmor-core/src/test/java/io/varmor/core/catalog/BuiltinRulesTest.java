package io.varmor.core.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.ir.Disposition;
import io.varmor.core.ir.IrRule;
import io.varmor.core.spi.RuleDefinition;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BuiltinRulesTest {
    final RuleCatalog catalog = RuleCatalog.builtin();

    @Test
    void idsAreNormalisedAndAliasesResolve() {
        assertEquals("disable-cap-net-raw", catalog.find("DISABLE_CAP_NET_RAW").orElseThrow().id());
        assertEquals("disallow-load-bpf-prog", catalog.find("disallow-load-ebpf").orElseThrow().id());
        assertEquals("block-access-to-metadata-service", catalog.find("disallow-metadata-service").orElseThrow().id());
        assertEquals("disable-inet", catalog.find("disable_ipv4").orElseThrow().id());
    }

    @Test
    void everyRuleHasAUniqueIdACategoryAndAnExpansion() {
        Set<String> ids = new HashSet<>();
        for (RuleDefinition d : catalog.all()) {
            assertTrue(ids.add(d.id()), d.id());
            assertTrue(Set.of(BuiltinRules.HARDENING, BuiltinRules.ATTACK, BuiltinRules.VULN).contains(d.category()), d.id());
            List<IrRule> ir = d.expand(new RuleDefinition.Context(true, Disposition.DENY_AUDIT, d.id(), List.of()));
            assertTrue(!ir.isEmpty(), d.id() + " expands to nothing");
            ir.forEach(r -> assertEquals(d.id(), r.origin()));
            ir.forEach(r -> assertEquals(Disposition.DENY_AUDIT, r.disposition()));
        }
        assertEquals(99, ids.size());
    }

    @Test
    void newMountRulesExistOnlyForPrivilegedProfiles() {
        RuleDefinition d = catalog.find("disallow-mount").orElseThrow();
        assertTrue(d.expand(new RuleDefinition.Context(false, Disposition.DENY, d.id(), List.of())).isEmpty());
        assertEquals(1, d.expand(new RuleDefinition.Context(true, Disposition.DENY, d.id(), List.of())).size());
    }

    @Test
    void dispositionsFollowVarmorsMatrix() {
        assertEquals(Disposition.DENY, Disposition.of(false, false));
        assertEquals(Disposition.DENY_AUDIT, Disposition.of(false, true));
        assertEquals(Disposition.AUDIT, Disposition.of(true, true));
        assertEquals(Disposition.ALLOW, Disposition.of(true, false));
    }
}
