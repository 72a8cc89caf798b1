package org.example.varmor.landlock;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a {@link LandlockProfile} (denials) into the allow-list ruleset that {@code varmor-exec --landlock} applies,
 * on the node, right before the sandbox starts.
 *
 * <p>For every handled right, the grants are the complement of the hierarchies that deny it: walking down from
 * {@code /} towards each denied path, every entry beside the path is granted (directories with everything beneath
 * them, files by themselves); the directories on the way get nothing. So a denied hierarchy's ancestors lose the
 * handled rights on their own entries: with "deny write under /tmp/a/b", files cannot be created or removed directly
 * in {@code /}, {@code /tmp} or {@code /tmp/a}, and entries that appear there after the sandbox started are not
 * granted. Symlinks are never granted (the kernel resolves them to their targets, granted or not); denied paths are
 * resolved through symlinks on the node. {@code refer} (cross-directory rename and link) is denied by every Landlock
 * ruleset that restricts files, so it is always handled and granted wherever nothing denies it.
 */
public final class RulesetWriter {
    /** Refuse rulesets beyond this many path rules (a denied path inside a huge directory). */
    static final int MAX_PATH_RULES = 200_000;

    private RulesetWriter() {}

    /**
     * The ruleset text. {@code workDir} (varmor's per-run directory, or null) stays readable: {@code varmor-exec}
     * reads the other enforcers' files (the seccomp filter) after Landlock is in force.
     */
    public static String write(LandlockProfile p, Path workDir, String comment) throws IOException {
        Set<Access> handled = EnumSet.noneOf(Access.class);
        p.files().forEach(f -> handled.addAll(f.rights()));
        if (!handled.isEmpty() || !p.ptrace().isEmpty()) {
            handled.add(Access.REFER);
        }
        Map<Set<String>, Set<Access>> groups = new LinkedHashMap<>();
        for (Access right : handled) {
            Set<String> denied = new TreeSet<>();
            for (LandlockProfile.FsDeny f : p.files()) {
                if (f.rights().contains(right)) {
                    denied.add(real(f.path()));
                }
            }
            groups.computeIfAbsent(denied, d -> EnumSet.noneOf(Access.class)).add(right);
        }
        Map<String, Set<Access>> grants = new TreeMap<>();
        for (Map.Entry<Set<String>, Set<Access>> g : groups.entrySet()) {
            for (String path : complement(g.getKey())) {
                grants.computeIfAbsent(path, k -> EnumSet.noneOf(Access.class)).addAll(g.getValue());
            }
        }
        if (workDir != null && handled.contains(Access.READ_FILE)) {
            grants.computeIfAbsent(real(workDir.toAbsolutePath().toString()), k -> EnumSet.noneOf(Access.class)).add(Access.READ_FILE);
        }
        StringBuilder b = new StringBuilder("# ").append(comment.replace('\n', ' ')).append("\nlandlock 1\n");
        if (!handled.isEmpty()) {
            b.append("fs.handled ").append(Access.join(handled)).append('\n');
        }
        if (!p.ports().isEmpty()) {
            b.append("net.handled connect_tcp\n");
        }
        b.append(p.audits() ? "log on\n" : "log off\n");
        grants.forEach((path, rights) -> b.append("path ").append(Access.join(rights)).append(' ')
                .append(Escapes.escape(path)).append('\n'));
        for (int[] r : allowedPorts(p.ports())) {
            b.append("port connect_tcp ").append(r[0]).append('-').append(r[1]).append('\n');
        }
        return b.toString();
    }

    /** Ports 1-65535 minus the denied ranges, as inclusive ranges. */
    static List<int[]> allowedPorts(List<LandlockProfile.PortDeny> denied) {
        boolean[] deny = new boolean[65536];
        denied.forEach(d -> java.util.Arrays.fill(deny, d.from(), d.to() + 1, true));
        List<int[]> out = new ArrayList<>();
        if (denied.isEmpty()) {
            return out;
        }
        int start = -1;
        for (int port = 1; port <= 65536; port++) {
            boolean open = port <= 65535 && !deny[port];
            if (open && start < 0) {
                start = port;
            } else if (!open && start >= 0) {
                out.add(new int[] {start, port - 1});
                start = -1;
            }
        }
        return out;
    }

    /** Every path that must be granted so that exactly the hierarchies {@code denied} are left out. */
    static List<String> complement(Set<String> denied) throws IOException {
        List<String> out = new ArrayList<>();
        walk("/", denied, out);
        return out;
    }

    private static void walk(String node, Set<String> denied, List<String> out) throws IOException {
        if (denied.contains(node)) {
            return;
        }
        String below = node.equals("/") ? "/" : node + "/";
        if (denied.stream().noneMatch(d -> d.startsWith(below) && !d.equals(node))) {
            out.add(node);
            if (out.size() > MAX_PATH_RULES) {
                throw new IOException("more than " + MAX_PATH_RULES + " path rules needed (a denied path lies in a huge directory)");
            }
            return;
        }
        Path dir = Path.of(node);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return; // missing, or a file on the way to a denied path: nothing beneath to grant
        }
        List<String> children = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path c : s) {
                if (!Files.isSymbolicLink(c)) {
                    children.add(c.toString());
                }
            }
        } catch (IOException | SecurityException unreadable) {
            return; // fail closed: nothing granted beneath
        }
        children.sort(null);
        for (String c : children) {
            walk(c, denied, out);
        }
    }

    /** {@code path} with symlinks resolved in its longest existing prefix. */
    static String real(String path) throws IOException {
        Path p = Path.of(path);
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.exists(q)) {
                return q.toRealPath().resolve(q.relativize(p)).normalize().toString();
            }
        }
        return path;
    }
}
