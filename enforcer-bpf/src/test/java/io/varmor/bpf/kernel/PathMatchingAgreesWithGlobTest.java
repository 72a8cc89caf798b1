package io.varmor.bpf.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.bpf.BpfCompiler;
import io.varmor.bpf.BpfTables;
import io.varmor.core.ir.PathPattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kernel tables decide exactly as the IR's glob semantics say: every supported pattern shape, alone and all
 * together in one profile, against hand-picked and random paths (a model of va_match over the generated entries).
 */
public class PathMatchingAgreesWithGlobTest {
    public static final List<String> PATTERNS = List.of("/etc/passwd", "/etc/shadow", "/etc/**", "/proc**", "/proc/kallsyms",
            "/proc/**/mem", "/proc/**/mountinfo", "/**/.ssh/**", "/**/bash", "**bash", "/sys/fs/cgroup/**/release_agent",
            "/**/devices/**/cgroup.procs", "/**/devices/tasks", "**/*.so", "**/tmp*", "**/x*y", "/run/secrets/k/**",
            "/", "/**", "/a/**/b", "/a/b/**/c", "/**/a/**", "/**/a/**/c", "/x/**/a/**");
    static final List<String> PATHS = List.of("/etc/passwd", "/etc/passwd-", "/etc", "/etc/", "/etc/a/b", "/proc",
            "/procfs", "/proc/mem", "/proc/1/mem", "/proc//mem", "/proc/kallsyms", "/proc/kallsyms2", "/root/.ssh/id",
            "/.ssh/x", "/home/a/.ssh", "/home/a/.ssh/", "/bin/bash", "/bash", "bash", "/usr/bin/rbash", "/a/b",
            "/a//b", "/a/x/b", "/a/b/c", "/a/b/x/c", "/lib/libc.so", "/lib/.so", "/tmp", "/x/tmpfile", "/tmp/a", "/xy",
            "/xay", "/x/y", "/sys/fs/cgroup/release_agent", "/sys/fs/cgroup/x/release_agent", "/a/devices/cgroup.procs",
            "/a/devices/b/cgroup.procs", "/devices/tasks", "/a/devices/tasks", "/run/secrets/k/token", "/run/secrets/k",
            "/", "//", "/x/a/b", "/x/a/", "/a/a/c", "/a/c", "/q/a/z/c");

    private static ProfileImage.Built profile(List<String> globs) {
        List<BpfTables.PathRow> rows = new ArrayList<>();
        for (int i = 0; i < globs.size(); i++) {
            rows.add(BpfCompiler.path(PathPattern.of(globs.get(i)), 0x4, BpfTables.DENY, "r" + i));
        }
        BpfTables t = new BpfTables(2, "p", "enforce", List.of(), rows, List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of());
        return ProfileImage.build(7, t, null, List.of());
    }

    private static List<String> randomPaths(int n, long seed) {
        String[] parts = {"a", "b", "c", "etc", "passwd", ".ssh", "bash", "mem", "proc", "x.so", "tmpx", "devices",
            "tasks", "cgroup.procs", "release_agent", "sys", "fs", "cgroup", "xy", "x", "y", ""};
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int k = 1 + r.nextInt(5);
            for (int j = 0; j < k; j++) {
                sb.append('/').append(parts[r.nextInt(parts.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void eachPatternAloneMatchesExactlyTheGlobsPaths() {
        List<String> paths = new ArrayList<>(PATHS);
        paths.addAll(randomPaths(3000, 1));
        for (String g : PATTERNS) {
            assertTrue(BpfCompiler.unsupportedPattern(PathPattern.of(g)).isEmpty(), g);
            KernelModel k = new KernelModel(profile(List.of(g)));
            for (String p : paths) {
                boolean want = PathPattern.of(g).matches(p);
                int[] got = k.match(7, Layout.K_FILE, p, Layout.P_READ, false);
                assertEquals(want, got[0] != 0, g + " vs " + p);
            }
        }
    }

    @Test
    void allPatternsTogetherDenyExactlyWhenSomePatternMatchesAndNameAMatchingRule() {
        KernelModel k = new KernelModel(profile(PATTERNS));
        List<String> paths = new ArrayList<>(PATHS);
        paths.addAll(randomPaths(5000, 2));
        for (String p : paths) {
            Set<Integer> matching = new HashSet<>();
            for (int i = 0; i < PATTERNS.size(); i++) {
                if (PathPattern.of(PATTERNS.get(i)).matches(p)) {
                    matching.add(i + 1);
                }
            }
            int[] got = k.match(7, Layout.K_FILE, p, Layout.P_READ, false);
            assertEquals(!matching.isEmpty(), got[0] != 0, p + " matches " + matching);
            if (got[0] != 0) {
                assertTrue(matching.contains(got[0] & Layout.RULE_MASK), p + ": rule " + got[0] + " not in " + matching);
            }
        }
    }

    @Test
    void permissionsNotNamedByTheRuleAreNotDenied() {
        KernelModel k = new KernelModel(profile(List.of("/etc/**")));
        assertEquals(0, k.match(7, Layout.K_FILE, "/etc/hosts", Layout.P_WRITE, false)[0]);
        assertTrue(k.match(7, Layout.K_FILE, "/etc/hosts", Layout.P_READ | Layout.P_WRITE, false)[0] != 0);
    }

    @Test
    void directoriesAboveAProtectedFileAreMarkedForRename() {
        KernelModel k = new KernelModel(profile(List.of("/run/secrets/k/token")));
        assertTrue(k.match(7, Layout.K_FILE, "/run/secrets/", Layout.P_READ, true)[0] != 0);
        assertTrue(k.match(7, Layout.K_FILE, "/run/", Layout.P_READ, true)[0] != 0);
        assertEquals(0, k.match(7, Layout.K_FILE, "/run/secrets/", Layout.P_READ, false)[0]);
        assertEquals(0, k.match(7, Layout.K_FILE, "/tmp/", Layout.P_READ, true)[0]);
    }
}
