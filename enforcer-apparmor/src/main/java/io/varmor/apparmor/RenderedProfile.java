package io.varmor.apparmor;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * AppArmor profile text with, for every line that came from the policy, where it came from. Parser errors name a
 * line; {@link #originOf} turns that line back into a policy field (see {@link ParserErrors}).
 *
 * @param text the profile text
 * @param origins 1-based line number → origin of that line
 */
public record RenderedProfile(String text, SortedMap<Integer, LineOrigin> origins) {

    /**
     * Where one profile line came from.
     *
     * @param origin a built-in rule id or a policy field path (e.g. {@code spec.policy.enhanceProtect.appArmorRawRules[1]})
     * @param rawLine for raw text (raw rules, custom profiles): the 1-based line within that text; 0 otherwise
     */
    public record LineOrigin(String origin, int rawLine) {
        /** A person-readable location, e.g. {@code spec.policy.enhanceProtect.appArmorRawRules[1].rules line 2}. */
        public String describe() {
            if (rawLine <= 0) {
                return origin;
            }
            String field = origin.endsWith("customProfile") ? origin : origin + ".rules";
            return field + " line " + rawLine;
        }
    }

    public RenderedProfile {
        origins = Collections.unmodifiableSortedMap(new TreeMap<>(origins));
    }

    /** The origin of a 1-based profile line, if the line came from the policy. */
    public Optional<LineOrigin> originOf(int line) {
        return Optional.ofNullable(origins.get(line));
    }

    /**
     * The line origins as {@link io.varmor.core.spi.EnforcerProfile#metadata()}: {@code line.<n>} →
     * {@code <origin>\t<rawLine>}.
     */
    public Map<String, String> metadata() {
        Map<String, String> m = new TreeMap<>();
        origins.forEach((n, o) -> m.put(String.format("line.%05d", n), o.origin() + "\t" + o.rawLine()));
        return m;
    }

    /** The profile from its text and {@link #metadata()}; falls back to {@link #fromText} without metadata. */
    public static RenderedProfile of(String text, Map<String, String> metadata) {
        if (metadata == null || metadata.keySet().stream().noneMatch(k -> k.startsWith("line."))) {
            return fromText(text);
        }
        Map<Integer, LineOrigin> origins = new TreeMap<>();
        metadata.forEach((k, v) -> {
            int tab = v.lastIndexOf('\t');
            if (k.startsWith("line.") && tab > 0) {
                origins.put(Integer.parseInt(k.substring(5)), new LineOrigin(v.substring(0, tab), Integer.parseInt(v.substring(tab + 1))));
            }
        });
        return new RenderedProfile(text, new TreeMap<>(origins));
    }

    /** Line count. */
    public int lineCount() {
        return text.isEmpty() ? 0 : text.split("\n", -1).length - (text.endsWith("\n") ? 1 : 0);
    }

    /**
     * Best-effort origins for text rendered earlier (e.g. on a node that only has the text): every rule line after a
     * {@code # <origin>} comment belongs to that origin until the next comment, blank line or block boundary.
     */
    public static RenderedProfile fromText(String text) {
        Map<Integer, LineOrigin> origins = new TreeMap<>();
        String current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].trim();
            if (t.matches("# \\S+")) {
                current = t.substring(2);
            } else if (t.equals("# base: RuntimeDefault")) {
                current = ProfileRenderer.RUNTIME_DEFAULT_ORIGIN;
            } else if (t.isEmpty() || t.startsWith("#") || t.startsWith("profile ") || t.startsWith("}")) {
                current = null;
            } else if (current != null) {
                origins.put(i + 1, new LineOrigin(current, 0));
            }
        }
        return new RenderedProfile(text, new TreeMap<>(origins));
    }

    static RenderedProfile ofLines(String text, Map<Integer, LineOrigin> origins) {
        return new RenderedProfile(text, new TreeMap<>(origins));
    }
}
