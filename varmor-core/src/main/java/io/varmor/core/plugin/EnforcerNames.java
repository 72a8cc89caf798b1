package io.varmor.core.plugin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Parses {@code policy.enforcer}: a concatenation of enforcer names in any order and case ({@code AppArmorBPFSeccomp},
 * {@code BPFNetworkProxy}, {@code seccomp}), optionally separated by {@code ,}, {@code +} or spaces. Unlike vArmor's
 * substring test, text that names no enforcer is an error rather than ignored.
 */
public final class EnforcerNames {
    /** vArmor's enforcers; plugins may add more names. */
    public static final List<String> VARMOR = List.of("AppArmor", "BPF", "Seccomp", "NetworkProxy");

    /**
     * Enforcers that ship as separate plugins: their names parse even when the plugin is not installed, so that a
     * policy naming one fails with "no enforcer provides …" and how to add it, not with "unknown enforcer".
     */
    public static final List<String> KNOWN_PLUGINS = List.of("Landlock");

    private EnforcerNames() {}

    /** Canonical names in the order written, or empty with the unparsable rest when the text is invalid. */
    public static Result parse(String text, Collection<String> known) {
        List<String> names = new ArrayList<>(new LinkedHashSet<>(known));
        names.sort(Comparator.comparingInt(String::length).reversed());
        Set<String> out = new LinkedHashSet<>();
        String rest = text == null ? "" : text.trim();
        String lower = rest.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < lower.length()) {
            char c = lower.charAt(i);
            if (c == ',' || c == '+' || c == ' ') {
                i++;
                continue;
            }
            String match = null;
            for (String n : names) {
                if (lower.startsWith(n.toLowerCase(Locale.ROOT), i)) {
                    match = n;
                    break;
                }
            }
            if (match == null) {
                return new Result(Set.of(), Optional.of(rest.substring(i)));
            }
            out.add(match);
            i += match.length();
        }
        if (out.isEmpty()) {
            return new Result(Set.of(), Optional.of(rest));
        }
        return new Result(out, Optional.empty());
    }

    /** Parsed names, or the text that could not be parsed. */
    public record Result(Set<String> names, Optional<String> unparsed) {}
}
