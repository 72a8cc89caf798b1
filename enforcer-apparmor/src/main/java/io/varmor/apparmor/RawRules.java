package io.varmor.apparmor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Raw AppArmor rule text from a policy ({@code appArmorRawRules[].rules}). The text is inserted verbatim, one profile
 * line per non-blank raw line, but it must not change the profile's structure: braces must balance, so a raw rule can
 * open and close a block (a hat, a conditional) but never close the profile it is inserted into.
 */
final class RawRules {
    private RawRules() {}

    /** A non-blank raw line and its 1-based number in the raw text. */
    record Line(int number, String text) {}

    static Optional<String> problem(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of("raw AppArmor rules are empty");
        }
        int depth = 0;
        List<Line> lines = lines(text);
        for (Line l : lines) {
            for (char c : l.text().toCharArray()) {
                if (c < 0x20 && c != '\t') {
                    return Optional.of("raw AppArmor rules contain a control character on line " + l.number());
                }
            }
            String code = stripComment(l.text());
            for (char c : code.toCharArray()) {
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                if (depth < 0) {
                    return Optional.of("raw AppArmor rules close a block they did not open (line " + l.number()
                            + "); they are inserted inside the profile and must not end it");
                }
            }
        }
        if (depth != 0) {
            return Optional.of("raw AppArmor rules leave " + depth + " block(s) open");
        }
        return Optional.empty();
    }

    /** The non-blank lines, right-trimmed, with their numbers. */
    static List<Line> lines(String text) {
        List<Line> out = new ArrayList<>();
        String[] raw = text.split("\r?\n|\r", -1);
        for (int i = 0; i < raw.length; i++) {
            String l = raw[i].strip();
            if (!l.isEmpty()) {
                out.add(new Line(i + 1, l));
            }
        }
        return out;
    }

    /** The line without its comment; {@code #include} is a directive, not a comment. */
    private static String stripComment(String line) {
        if (line.startsWith("#include") || line.startsWith("# include")) {
            return "";
        }
        int i = line.indexOf('#');
        return i < 0 ? line : line.substring(0, i);
    }
}
