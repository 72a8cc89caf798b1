package io.varmor.k8s;

import io.varmor.api.meta.LabelSelector;
import io.varmor.api.meta.LabelSelectorRequirement;
import java.util.Map;

/** Kubernetes label-selector semantics for the api's {@link LabelSelector}. */
public final class Selectors {
    private Selectors() {}

    /** Whether {@code labels} satisfy {@code s}; an empty selector matches everything, a null one nothing. */
    public static boolean matches(LabelSelector s, Map<String, String> labels) {
        if (s == null) {
            return false;
        }
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (s.matchLabels() != null) {
            for (Map.Entry<String, String> e : s.matchLabels().entrySet()) {
                if (!e.getValue().equals(l.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (s.matchExpressions() != null) {
            for (LabelSelectorRequirement r : s.matchExpressions()) {
                if (!matches(r, l)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean matches(LabelSelectorRequirement r, Map<String, String> l) {
        String v = l.get(r.key());
        return switch (r.operator() == null ? "" : r.operator()) {
            case "In" -> v != null && r.values() != null && r.values().contains(v);
            case "NotIn" -> v == null || r.values() == null || !r.values().contains(v);
            case "Exists" -> l.containsKey(r.key());
            case "DoesNotExist" -> !l.containsKey(r.key());
            default -> false;
        };
    }

    /** Parses {@code key=value} (or {@code key}: present with any value); empty means "no requirement". */
    public static boolean matchesLabel(String requirement, Map<String, String> labels) {
        if (requirement == null || requirement.isBlank()) {
            return true;
        }
        Map<String, String> l = labels == null ? Map.of() : labels;
        int eq = requirement.indexOf('=');
        if (eq < 0) {
            return l.containsKey(requirement.trim());
        }
        return requirement.substring(eq + 1).trim().equals(l.get(requirement.substring(0, eq).trim()));
    }
}
