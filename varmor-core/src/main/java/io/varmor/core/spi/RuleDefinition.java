package io.varmor.core.spi;

import io.varmor.core.ir.Disposition;
import io.varmor.core.ir.IrRule;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A built-in rule: data that expands into IR.
 *
 * @param id canonical id (lower-case, dash-separated)
 * @param aliases other accepted ids
 * @param category {@code hardening}, {@code attack-protection} or {@code vulnerability-mitigation}
 * @param applicability {@code privileged} (meant for privileged containers) or {@code all}
 * @param expansion the IR for a given context
 * @param varmorCoverage which enforcers vArmor itself implements the rule with (reference data, used only to report
 *        where varmor goes beyond vArmor)
 */
public record RuleDefinition(String id, List<String> aliases, String category, String applicability,
                             String description, Function<Context, List<IrRule>> expansion,
                             Set<String> varmorCoverage) {

    /** What an expansion may depend on. */
    public record Context(boolean privileged, Disposition disposition, String origin, List<String> targets) {}

    public List<IrRule> expand(Context ctx) {
        return expansion.apply(ctx);
    }
}
