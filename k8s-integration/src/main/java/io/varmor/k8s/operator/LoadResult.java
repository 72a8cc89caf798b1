package io.varmor.k8s.operator;

import java.util.SortedMap;

/**
 * The aggregated load state of one ArmorProfile.
 *
 * @param desired agents expected to load it (the agent DaemonSet's {@code desiredNumberScheduled})
 * @param current agents that loaded the current spec
 * @param failures node → reason, for nodes that failed to load the current spec
 * @param modeling the policy is in BehaviorModeling mode (ready phase {@code Modeling} instead of {@code Protecting})
 * @param modelComplete every expected agent sent its behaviour data (phase {@code Completed})
 */
public record LoadResult(int desired, int current, SortedMap<String, String> failures, boolean modeling, boolean modelComplete) {
    public boolean ready() {
        return failures.isEmpty() && desired > 0 && current >= desired;
    }

    /** The policy phase (spec §1.5). */
    public String phase() {
        if (!failures.isEmpty()) {
            return "Error";
        }
        if (ready()) {
            return modeling ? (modelComplete ? "Completed" : "Modeling") : "Protecting";
        }
        return "Pending";
    }

    /** One line naming every failed node and its reason. */
    public String failureSummary() {
        StringBuilder sb = new StringBuilder();
        failures.forEach((node, msg) -> sb.append(sb.length() == 0 ? "" : "; ").append("node ").append(node).append(": ").append(msg));
        return sb.toString();
    }
}
