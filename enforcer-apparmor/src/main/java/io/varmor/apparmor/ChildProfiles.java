package io.varmor.apparmor;

import io.varmor.core.ir.IrRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Groups rules scoped to executables into child profiles (spec §6.2): rules are split per target, the rules of
 * identical targets merged, then targets with identical rule sets merged. Children are numbered in the order their
 * first target appears in the policy, so the result is deterministic.
 */
final class ChildProfiles {
    /** One child profile: {@code child_<index>}, entered by {@code targets}, carrying {@code rules}. */
    record Child(String name, List<String> targets, List<IrRule> rules) {}

    private ChildProfiles() {}

    /**
     * @param targeted rules with non-empty targets, in policy order
     * @param identity what makes two rules the same regardless of their targets (e.g. origin + rendered text)
     */
    static List<Child> of(List<IrRule> targeted, Function<IrRule, String> identity) {
        Map<String, Map<String, IrRule>> byTarget = new LinkedHashMap<>();
        for (IrRule r : targeted) {
            for (String t : r.targets()) {
                byTarget.computeIfAbsent(t, k -> new LinkedHashMap<>()).putIfAbsent(identity.apply(r), r);
            }
        }
        Map<List<String>, List<String>> targetsByRules = new LinkedHashMap<>();
        Map<List<String>, List<IrRule>> rulesByKey = new LinkedHashMap<>();
        byTarget.forEach((target, rules) -> {
            List<String> key = List.copyOf(rules.keySet());
            targetsByRules.computeIfAbsent(key, k -> new ArrayList<>()).add(target);
            rulesByKey.putIfAbsent(key, List.copyOf(rules.values()));
        });
        List<Child> out = new ArrayList<>();
        targetsByRules.forEach((key, targets) ->
                out.add(new Child("child_" + out.size(), List.copyOf(targets), rulesByKey.get(key))));
        return out;
    }
}
