package io.varmor.k8s.operator;

import io.varmor.api.meta.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Condition lists with one entry per type, replaced in place; the transition time changes only with the status. */
public final class Conditions {
    private Conditions() {}

    public static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    public static List<Condition> set(List<Condition> list, String type, boolean status, String reason, String message) {
        List<Condition> out = new ArrayList<>(list == null ? List.of() : list);
        String s = status ? "True" : "False";
        for (int i = 0; i < out.size(); i++) {
            Condition c = out.get(i);
            if (type.equals(c.type())) {
                String time = s.equals(c.status()) && c.lastTransitionTime() != null ? c.lastTransitionTime() : now();
                out.set(i, new Condition(type, s, time, reason, message, null));
                return out;
            }
        }
        out.add(new Condition(type, s, now(), reason, message, null));
        return out;
    }

    /** The condition of {@code type}, or null. */
    public static Condition get(List<Condition> list, String type) {
        if (list != null) {
            for (Condition c : list) {
                if (Objects.equals(type, c.type())) {
                    return c;
                }
            }
        }
        return null;
    }
}
