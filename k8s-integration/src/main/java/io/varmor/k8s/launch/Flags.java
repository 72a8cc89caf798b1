package io.varmor.k8s.launch;

import com.fasterxml.jackson.core.type.TypeReference;
import io.varmor.k8s.model.KubeJson;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Parsing of the flag values the chart passes (vArmor's spellings), for the CLI's option converters. */
public final class Flags {
    private Flags() {}

    /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1h30m}, or ISO-8601 ({@code PT2H}). */
    public static Duration duration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt") || t.startsWith("p")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        Duration d = Duration.ZERO;
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(t);
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end != t.length() || end == 0) {
            throw new IllegalArgumentException("invalid duration \"" + s + "\" (e.g. 30s, 10m, 2h)");
        }
        return d;
    }

    /** {@code BURST/REFILL}, e.g. {@code 10/10s}: violation Events per pod. Returns {burst, refill millis}. */
    public static long[] eventRate(String s) {
        String[] p = s.split("/");
        if (p.length != 2) {
            throw new IllegalArgumentException("invalid event rate \"" + s + "\" (BURST/REFILL, e.g. 10/10s)");
        }
        return new long[] {Integer.parseInt(p[0].trim()), duration(p[1]).toMillis()};
    }

    /** {@code AUDIT_EVENT_METADATA}: a JSON object of strings (Helm's {@code auditEventMetadata}); null or blank: empty. */
    public static Map<String, String> metadata(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, Object> m = KubeJson.mapper().readValue(json, new TypeReference<Map<String, Object>>() {});
            Map<String, String> out = new TreeMap<>();
            m.forEach((k, v) -> out.put(k, String.valueOf(v)));
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("AUDIT_EVENT_METADATA is not a JSON object: " + e.getMessage(), e);
        }
    }
}
