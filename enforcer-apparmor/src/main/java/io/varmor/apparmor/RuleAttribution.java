package io.varmor.apparmor;

import io.varmor.api.event.ViolationEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which policy rule an AppArmor record was decided by, for {@link ViolationEvent#ruleId()}. AppArmor's records name
 * the operation, path and permissions but not the rule, so the record is matched against the profile's own rule lines
 * (those with an origin): a {@code DENIED} or complain-mode {@code ALLOWED} record against deny lines, an {@code AUDIT}
 * record against audit-only lines, within the (child) profile that produced it. A policy rule wins over a
 * RuntimeDefault line and a more specific line over a broader one; a record no line explains (an allow-list's
 * implicit denial) gets no rule id.
 */
final class RuleAttribution {
    /** Family names as written in network rules ({@code packet} is read as the family, as the parser does). */
    private static final Set<String> FAMILIES = new HashSet<>(io.varmor.core.ir.Linux.DOMAINS.keySet());
    private static final Pattern CHILD = Pattern.compile("\\s*profile (\\S+) .*\\{\\s*");

    private record RuleLine(String block, String origin, boolean deny, boolean audit, String kind, List<String> args,
                            Pattern path, Set<Character> perms) {}

    private final List<RuleLine> lines = new ArrayList<>();

    private RuleAttribution() {}

    static RuleAttribution of(RenderedProfile profile) {
        RuleAttribution a = new RuleAttribution();
        String[] text = profile.text().split("\n", -1);
        String block = "";
        for (int i = 0; i < text.length; i++) {
            var m = CHILD.matcher(text[i]);
            if (m.matches() && text[i].startsWith("  ")) {
                block = m.group(1);
                continue;
            }
            if (text[i].equals("  }")) {
                block = "";
                continue;
            }
            var origin = profile.originOf(i + 1);
            if (origin.isPresent()) {
                a.parse(block, origin.get().origin(), text[i].trim()).ifPresent(a.lines::add);
            }
        }
        return a;
    }

    private Optional<RuleLine> parse(String block, String origin, String line) {
        String l = line.replaceFirst("\\s*#.*$", "").replaceFirst(",\\s*$", "").trim();
        boolean audit = false;
        boolean deny = false;
        if (l.startsWith("audit ")) {
            audit = true;
            l = l.substring(6).trim();
        }
        if (l.startsWith("deny ")) {
            deny = true;
            l = l.substring(5).trim();
        }
        if (!audit && !deny) {
            return Optional.empty();
        }
        String[] words = l.split("\\s+");
        String kind = words[0];
        switch (kind) {
            case "capability", "network", "ptrace", "mount", "remount", "umount", "pivot_root" -> {
                return Optional.of(new RuleLine(block, origin, deny, audit, kind, List.of(words).subList(1, words.length), null, Set.of()));
            }
            default -> {
                if (l.contains(" -> ") || !(l.startsWith("/") || l.startsWith("\"/") || l.startsWith("@{"))) {
                    return Optional.empty();
                }
                int split = l.lastIndexOf(' ');
                if (split < 0) {
                    return Optional.empty();
                }
                Set<Character> perms = new HashSet<>();
                for (char c : l.substring(split + 1).toCharArray()) {
                    perms.add(c);
                }
                return Optional.of(new RuleLine(block, origin, deny, audit, "file", List.of(),
                        AaGlob.compile(l.substring(0, split)), perms));
            }
        }
    }

    /** The origin of the rule that explains {@code e}, if any. */
    Optional<String> ruleFor(ViolationEvent e) {
        Map<String, Object> ev = e.event();
        String label = String.valueOf(ev.getOrDefault("profile", ""));
        int sep = label.indexOf("//");
        String block = sep < 0 ? "" : label.substring(sep + 2);
        boolean wantDeny = !"AUDIT".equals(e.action());
        RuleLine best = null;
        for (RuleLine r : lines) {
            if (!r.block().equals(block) || (wantDeny ? !r.deny() : (r.deny() || !r.audit())) || !matches(r, ev)) {
                continue;
            }
            if (best == null || rank(r) > rank(best)) {
                best = r;
            }
        }
        return Optional.ofNullable(best).map(RuleLine::origin);
    }

    /** Policy rules before RuntimeDefault lines, then the more specific line (more words, longer pattern). */
    private static int rank(RuleLine r) {
        int specific = r.path() == null ? r.args().size() : r.path().pattern().length();
        return (r.origin().equals(ProfileRenderer.RUNTIME_DEFAULT_ORIGIN) ? 0 : 1 << 20) + specific;
    }

    private static boolean matches(RuleLine r, Map<String, Object> ev) {
        String op = String.valueOf(ev.getOrDefault("operation", ""));
        String name = ev.get("name") == null ? null : String.valueOf(ev.get("name"));
        switch (r.kind()) {
            case "capability" -> {
                return op.equals("capable") && (r.args().isEmpty() || r.args().contains(name));
            }
            case "network" -> {
                Object family = ev.get("netFamily");
                Object type = ev.get("netSockType");
                if (family == null) {
                    return false;
                }
                List<String> a = r.args();
                if (a.isEmpty()) {
                    return true;
                }
                boolean familyFirst = FAMILIES.contains(a.get(0)) || a.get(0).equals("unspec");
                String f = familyFirst ? a.get(0) : null;
                String t = familyFirst ? (a.size() > 1 ? a.get(1) : null) : a.get(0);
                return (f == null || f.equals(family)) && (t == null || t.equals(type));
            }
            case "ptrace" -> {
                return op.equals("ptrace");
            }
            case "mount", "remount", "umount", "pivot_root" -> {
                String kind = op.equals("pivotroot") ? "pivot_root" : op;
                return kind.equals(r.kind());
            }
            default -> {
                if (name == null || ev.containsKey("netFamily") || op.equals("capable") || op.equals("ptrace")) {
                    return false;
                }
                String mask = String.valueOf(ev.getOrDefault("deniedMask", ev.getOrDefault("requestedMask", "")));
                if (mask.isEmpty() || mask.equals("null")) {
                    mask = String.valueOf(ev.getOrDefault("requestedMask", ""));
                }
                return r.path().matcher(name).matches() && overlaps(r.perms(), mask);
            }
        }
    }

    private static boolean overlaps(Set<Character> rule, String mask) {
        for (char c : mask.toCharArray()) {
            char p = c == 'c' || c == 'd' ? 'w' : c;
            if (rule.contains(p) || (p == 'a' && rule.contains('w'))) {
                return true;
            }
        }
        return false;
    }
}
