package io.varmor.apparmor;

import io.varmor.core.catalog.BuiltinRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * AppArmor lexical helpers: turning IR globs (only {@code *} and {@code **} are wildcards, everything else literal)
 * into AppArmor path expressions, and building label globs for ptrace/signal peers.
 */
final class AaSyntax {
    /** The node-defined variable that lists the node's disk devices (see {@link DiskDevices}). */
    static final String DISK_VARIABLE = "@{varmor_disk_devices}";

    private static final String SPECIAL = "?[]{}^,\\\"!";

    private AaSyntax() {}

    /** Why {@code glob} cannot be written as an AppArmor path, or empty when it can. */
    static Optional<String> pathProblem(String glob) {
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return Optional.of("AppArmor rules cannot contain the control character in \"" + printable(glob) + "\"");
            }
        }
        if (!glob.startsWith("/") && !glob.startsWith("**")) {
            return Optional.of("AppArmor path rules need an absolute pattern, got \"" + glob + "\"");
        }
        return Optional.empty();
    }

    /**
     * An IR glob as an AppArmor path: literal AppArmor metacharacters escaped, the disk-device variable kept, a leading
     * {@code **}{@code /} widened to {@code /{**}{@code /,}} so that it also matches files directly under {@code /},
     * and the whole quoted when it contains blanks or other characters the profile lexer would split on.
     */
    static String path(String glob) {
        return escape(glob, false);
    }

    /** A literal path (an executable target) as an AppArmor path: every metacharacter, including {@code *}, escaped. */
    static String literalPath(String path) {
        return escape(path, true);
    }

    private static String escape(String glob, boolean literal) {
        String g = glob;
        String lead = "";
        if (!literal && g.equals("**")) {
            return "/**";
        } else if (!literal && g.startsWith("**/")) {
            lead = "/{**/,}";
            g = g.substring(3);
        } else if (!literal && g.startsWith("**")) {
            lead = "/**";
            g = g.substring(2);
        }
        StringBuilder out = new StringBuilder(lead);
        boolean quote = false;
        for (int i = 0; i < g.length(); i++) {
            if (!literal && g.startsWith(DISK_VARIABLE, i) && glob.equals(BuiltinRules.DISK_DEVICES)) {
                out.append(DISK_VARIABLE);
                i += DISK_VARIABLE.length() - 1;
                continue;
            }
            char c = g.charAt(i);
            if (SPECIAL.indexOf(c) >= 0 || (literal && c == '*') || (c == '@' && i + 1 < g.length() && g.charAt(i + 1) == '{')) {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
            if (Character.isWhitespace(c) || c == '#' || c == '=' || c == '>' || c == '(' || c == ')') {
                quote = true;
            }
        }
        return quote ? "\"" + out + "\"" : out.toString();
    }

    /** The profile and all its child profiles: {@code NAME{,//**}}. */
    static String family(String profile) {
        return profile + "{,//**}";
    }

    /**
     * Every label that is neither {@code profile} nor one of its children: a proper prefix of the name, a label that
     * differs from the name at some position, or the name followed by anything other than {@code //}.
     */
    static String notFamily(String profile) {
        List<String> alts = new ArrayList<>();
        for (int i = 0; i < profile.length(); i++) {
            String head = profile.substring(0, i);
            if (i > 0) {
                alts.add(head);
            }
            alts.add(head + "[^" + classChar(profile.charAt(i)) + "/]**");
        }
        alts.add(profile + "[^/]**");
        alts.add(profile + "/");
        alts.add(profile + "/[^/]**");
        return "{" + String.join(",", alts) + "}";
    }

    private static String classChar(char c) {
        return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
