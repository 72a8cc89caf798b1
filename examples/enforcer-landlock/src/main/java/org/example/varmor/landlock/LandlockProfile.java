package org.example.varmor.landlock;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@link LandlockEnforcer#compile} produces: the policy's deny rules that Landlock can express, still written as
 * denials. It is pure (no file system is read); {@link RulesetWriter} turns it into an allow-list on the node, where
 * the directory tree is known. Its text form is the {@code EnforcerProfile} content:
 *
 * <pre>
 * landlock-profile 1
 * deny-fs beneath|exact RIGHTS deny|deny-audit ORIGIN PATH
 * deny-connect FROM-TO deny|deny-audit ORIGIN
 * deny-ptrace deny|deny-audit ORIGIN
 * </pre>
 *
 * PATH is the rest of the line, with {@link Escapes} for backslashes and control characters.
 */
public record LandlockProfile(List<FsDeny> files, List<PortDeny> ports, List<PtraceDeny> ptrace) {
    static final String HEADER = "landlock-profile 1";

    /** Rights denied on a path: the path itself ({@code beneath} false) or the whole hierarchy under it. */
    public record FsDeny(String path, boolean beneath, Set<Access> rights, boolean audit, String origin) {}

    /** TCP connect denied to an inclusive port range. */
    public record PortDeny(int from, int to, boolean audit, String origin) {}

    /** ptrace and /proc access to processes outside the sandbox denied (inherent in any Landlock domain). */
    public record PtraceDeny(boolean audit, String origin) {}

    public LandlockProfile {
        files = List.copyOf(files);
        ports = List.copyOf(ports);
        ptrace = List.copyOf(ptrace);
    }

    public boolean isEmpty() {
        return files.isEmpty() && ports.isEmpty() && ptrace.isEmpty();
    }

    /** True when some rule asks for its denials to be reported. */
    public boolean audits() {
        return files.stream().anyMatch(FsDeny::audit) || ports.stream().anyMatch(PortDeny::audit)
                || ptrace.stream().anyMatch(PtraceDeny::audit);
    }

    public String toText(String comment) {
        StringBuilder b = new StringBuilder("# ").append(comment.replace('\n', ' ')).append('\n').append(HEADER).append('\n');
        for (FsDeny f : files) {
            b.append("deny-fs ").append(f.beneath() ? "beneath " : "exact ").append(Access.join(f.rights())).append(' ')
                    .append(verdict(f.audit())).append(' ').append(token(f.origin())).append(' ')
                    .append(Escapes.escape(f.path())).append('\n');
        }
        for (PortDeny p : ports) {
            b.append("deny-connect ").append(p.from()).append('-').append(p.to()).append(' ').append(verdict(p.audit()))
                    .append(' ').append(token(p.origin())).append('\n');
        }
        for (PtraceDeny p : ptrace) {
            b.append("deny-ptrace ").append(verdict(p.audit())).append(' ').append(token(p.origin())).append('\n');
        }
        return b.toString();
    }

    /** Parses {@link #toText}; throws {@link IllegalArgumentException} naming the line on anything else. */
    public static LandlockProfile parse(String text) {
        List<FsDeny> files = new ArrayList<>();
        List<PortDeny> ports = new ArrayList<>();
        List<PtraceDeny> ptrace = new ArrayList<>();
        boolean header = false;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (!header) {
                    if (!line.equals(HEADER)) {
                        throw new IllegalArgumentException("expected \"" + HEADER + "\"");
                    }
                    header = true;
                } else if (line.startsWith("deny-fs ")) {
                    String[] f = line.split(" ", 6);
                    files.add(new FsDeny(Escapes.unescape(f[5]), f[1].equals("beneath"), Access.split(f[2]),
                            audit(f[3]), f[4]));
                } else if (line.startsWith("deny-connect ")) {
                    String[] f = line.split(" ");
                    String[] range = f[1].split("-");
                    ports.add(new PortDeny(Integer.parseInt(range[0]), Integer.parseInt(range[1]), audit(f[2]), f[3]));
                } else if (line.startsWith("deny-ptrace ")) {
                    String[] f = line.split(" ");
                    ptrace.add(new PtraceDeny(audit(f[1]), f[2]));
                } else {
                    throw new IllegalArgumentException("unknown line");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Landlock profile line " + (i + 1) + ": " + e.getMessage() + ": " + line, e);
            }
        }
        if (!header) {
            throw new IllegalArgumentException("not a Landlock profile (no \"" + HEADER + "\" line)");
        }
        return new LandlockProfile(files, ports, ptrace);
    }

    private static String verdict(boolean audit) {
        return audit ? "deny-audit" : "deny";
    }

    private static boolean audit(String verdict) {
        switch (verdict) {
            case "deny":
                return false;
            case "deny-audit":
                return true;
            default:
                throw new IllegalArgumentException("expected deny or deny-audit, not " + verdict);
        }
    }

    private static String token(String origin) {
        return origin == null || origin.isEmpty() ? "-" : origin.replaceAll("\\s", "_");
    }
}
