package io.varmor.core.catalog;

import io.varmor.core.spi.RuleDefinition;
import io.varmor.core.spi.RuleProvider;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * All rule definitions from all {@link RuleProvider}s, indexed by normalised id and alias. Ids are normalised as
 * vArmor does (lower case, {@code _} → {@code -}); a later provider with higher priority replaces an id, logged.
 */
public final class RuleCatalog {
    private static final Logger LOG = Logger.getLogger(RuleCatalog.class.getName());

    private final Map<String, RuleDefinition> byId = new LinkedHashMap<>();
    private final Map<String, RuleDefinition> byName = new LinkedHashMap<>();

    public RuleCatalog(List<RuleProvider> providers) {
        for (RuleProvider p : providers) {
            for (RuleDefinition d : p.rules()) {
                RuleDefinition old = byId.put(d.id(), d);
                if (old != null) {
                    LOG.warning("rule " + d.id() + " from " + p.name() + " replaces an earlier definition");
                }
                byName.put(d.id(), d);
                for (String a : d.aliases()) {
                    byName.put(normalize(a), d);
                }
            }
        }
    }

    /** The catalogue of the built-in provider alone. */
    public static RuleCatalog builtin() {
        return new RuleCatalog(List.of(new BuiltinRules()));
    }

    public static String normalize(String id) {
        return id.trim().toLowerCase().replace('_', '-');
    }

    public Optional<RuleDefinition> find(String id) {
        return Optional.ofNullable(byName.get(normalize(id)));
    }

    public Collection<RuleDefinition> all() {
        return byId.values();
    }

    /** Every accepted spelling (ids and aliases), for suggestions. */
    public Collection<String> names() {
        return byName.keySet();
    }
}
