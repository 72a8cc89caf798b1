package io.varmor.k8s.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the containers running on the node by walking {@code /proc} (the agent runs with {@code hostPID}): each
 * process's cgroup gives its container, {@code ns/mnt} its mount namespace, {@code stat} its start time (the oldest
 * process stands for the container). Processes seen before are not read again, so a rescan costs one directory
 * listing plus three small reads per new process.
 */
public final class ProcScanner {
    /** One process of a container. */
    public record Proc(long pid, String containerId, String podUid, long mountNamespace, long startTicks) {}

    private final Path proc;
    private final Map<Long, Optional<Proc>> known = new HashMap<>();

    public ProcScanner(Path procRoot) {
        this.proc = procRoot;
    }

    /** Container id → its oldest process, for every container with a live process. */
    public synchronized Map<String, Proc> scan() {
        Set<Long> live = new HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.isEmpty() || !Character.isDigit(n.charAt(0))) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(n);
                } catch (NumberFormatException e) {
                    continue;
                }
                live.add(pid);
                known.computeIfAbsent(pid, this::read);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + proc, e);
        }
        known.keySet().retainAll(live);
        Map<String, Proc> out = new HashMap<>();
        for (Optional<Proc> o : known.values()) {
            o.ifPresent(p -> out.merge(p.containerId(), p, (a, b) -> a.startTicks() <= b.startTicks() ? a : b));
        }
        return out;
    }

    /** Reads one process now (the fast path for a container whose cgroup just appeared). */
    public synchronized Optional<Proc> process(long pid) {
        Optional<Proc> p = read(pid);
        known.put(pid, p);
        return p;
    }

    private Optional<Proc> read(long pid) {
        Path dir = proc.resolve(Long.toString(pid));
        try {
            Optional<CgroupPaths.Ref> ref = CgroupPaths.parse(Files.readString(dir.resolve("cgroup")));
            if (ref.isEmpty()) {
                return Optional.empty();
            }
            long mnt = namespaceInode(Files.readSymbolicLink(dir.resolve("ns/mnt")).toString());
            return Optional.of(new Proc(pid, ref.get().containerId(), ref.get().podUid(), mnt, startTicks(Files.readString(dir.resolve("stat")))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code mnt:[4026531840]} → 4026531840. */
    static long namespaceInode(String link) {
        int a = link.indexOf('[');
        int b = link.indexOf(']');
        if (a < 0 || b < a) {
            throw new IllegalArgumentException("not a namespace link: " + link);
        }
        return Long.parseLong(link.substring(a + 1, b));
    }

    /** Field 22 of {@code /proc/<pid>/stat} (after the parenthesised command, which may contain spaces). */
    static long startTicks(String stat) {
        String rest = stat.substring(stat.lastIndexOf(')') + 2);
        String[] f = rest.trim().split(" ");
        return Long.parseLong(f[19]);
    }
}
