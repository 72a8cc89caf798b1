package io.varmor.core.catalog;

import io.varmor.core.ir.Disposition;
import io.varmor.core.ir.IrRule;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.RuleDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Which enforcer covers which rule, derived from the rule's IR expansion (privileged and not) and each enforcer's
 * {@link Enforcer#cannotEnforce}. An enforcer covers a rule when it can enforce every IR rule the rule expands to.
 */
public final class Coverage {
    private Coverage() {}

    /** One enforcer's verdict on one rule: covered, or the reason it is not. */
    public record Verdict(boolean covered, String reason) {}

    /** One rule's coverage across enforcers, and how it compares with vArmor. */
    public record Row(RuleDefinition rule, Map<String, Verdict> byEnforcer, List<String> beyondVarmor,
                      List<String> belowVarmor) {}

    public static Verdict verdict(RuleDefinition rule, Enforcer enforcer) {
        List<IrRule> ir = new ArrayList<>();
        for (boolean privileged : new boolean[] {false, true}) {
            ir.addAll(rule.expand(new RuleDefinition.Context(privileged, Disposition.DENY, rule.id(), List.of())));
        }
        if (ir.isEmpty()) {
            return new Verdict(false, "the rule expands to nothing");
        }
        for (IrRule r : ir) {
            Optional<String> why = enforcer.cannotEnforce(r);
            if (why.isPresent()) {
                return new Verdict(false, why.get());
            }
        }
        return new Verdict(true, "");
    }

    public static List<Row> table(RuleCatalog catalog, List<Enforcer> enforcers) {
        List<Row> rows = new ArrayList<>();
        for (RuleDefinition d : catalog.all()) {
            Map<String, Verdict> by = new LinkedHashMap<>();
            for (Enforcer e : enforcers) {
                by.put(e.id(), verdict(d, e));
            }
            List<String> beyond = new ArrayList<>();
            List<String> below = new ArrayList<>();
            for (Map.Entry<String, Verdict> e : by.entrySet()) {
                boolean vArmor = d.varmorCoverage().contains(e.getKey());
                if (e.getValue().covered() && !vArmor) {
                    beyond.add(e.getKey());
                }
                if (!e.getValue().covered() && vArmor) {
                    below.add(e.getKey());
                }
            }
            rows.add(new Row(d, by, beyond, below));
        }
        return rows;
    }

    /** vArmor enforcers across the catalogue, for column headings. */
    public static List<String> varmorEnforcers(RuleCatalog catalog) {
        TreeSet<String> s = new TreeSet<>();
        catalog.all().forEach(d -> s.addAll(d.varmorCoverage()));
        return List.copyOf(s);
    }
}
