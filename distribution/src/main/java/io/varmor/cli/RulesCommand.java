package io.varmor.cli;

import io.varmor.api.io.Manifests;
import io.varmor.core.catalog.Coverage;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.Enforcer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code varmor rules}. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "List the built-in rules with the enforcers that cover each (derived from the rule's IR and the "
                + "installed enforcers), and where varmor goes beyond vArmor.")
final class RulesCommand implements Callable<Integer> {
    @Option(names = "--enforcer", paramLabel = "E", description = "Only rules this enforcer covers.")
    String enforcer;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Override
    public Integer call() {
        Plugins plugins = Cli.plugins();
        List<Enforcer> enforcers = plugins.enforcers();
        if (enforcer != null && plugins.enforcer(enforcer).isEmpty()) {
            System.err.println("unknown enforcer \"" + enforcer + "\"; installed: " + enforcers.stream().map(Enforcer::id).toList());
            return Cli.USAGE;
        }
        List<Coverage.Row> rows = Coverage.table(plugins.catalog(), enforcers);
        if (enforcer != null) {
            String id = plugins.enforcer(enforcer).get().id();
            rows = rows.stream().filter(r -> r.byEnforcer().get(id).covered()).toList();
        }
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Coverage.Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", r.rule().id());
                m.put("aliases", r.rule().aliases());
                m.put("category", r.rule().category());
                m.put("applicability", r.rule().applicability());
                m.put("description", r.rule().description());
                Map<String, Object> cov = new LinkedHashMap<>();
                r.byEnforcer().forEach((e, v) -> cov.put(e, v.covered() ? Map.of("covered", true)
                        : Map.of("covered", false, "reason", v.reason())));
                m.put("coverage", cov);
                m.put("varmorCoverage", new TreeSet<>(r.rule().varmorCoverage()));
                m.put("beyondVarmor", r.beyondVarmor());
                m.put("belowVarmor", r.belowVarmor());
                out.add(m);
            }
            System.out.println(Manifests.toPrettyJson(Map.of("enforcers", enforcers.stream().map(Enforcer::id).toList(),
                    "rules", out)));
            return 0;
        }
        StringBuilder head = new StringBuilder(String.format("%-42s %-25s", "RULE", "CATEGORY"));
        for (Enforcer e : enforcers) {
            head.append(String.format(" %-9s", e.id()));
        }
        head.append(" NOTE");
        System.out.println(head);
        for (Coverage.Row r : rows) {
            StringBuilder line = new StringBuilder(String.format("%-42s %-25s", r.rule().id(), r.rule().category()));
            for (Enforcer e : enforcers) {
                line.append(String.format(" %-9s", r.byEnforcer().get(e.id()).covered() ? "yes" : "-"));
            }
            if (!r.beyondVarmor().isEmpty()) {
                line.append(" beyond vArmor: ").append(String.join(", ", r.beyondVarmor()));
            }
            if (!r.belowVarmor().isEmpty()) {
                line.append(" vArmor also: ").append(String.join(", ", r.belowVarmor()));
            }
            System.out.println(line.toString().stripTrailing());
        }
        System.out.println(rows.size() + " rules; coverage = the enforcer can enforce every IR rule the rule expands to.");
        return 0;
    }
}
