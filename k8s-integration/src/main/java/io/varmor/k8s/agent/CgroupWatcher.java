package io.varmor.k8s.agent;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * inotify on the kubepods cgroup tree: the runtime creates a container's cgroup (and moves the container's init
 * process into it) before that process executes, so a new cgroup directory is the earliest sign of a container this
 * agent can get without a runtime hook. Each new directory is reported (and watched in turn, for nested pod slices).
 */
public final class CgroupWatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CgroupWatcher.class.getName());

    private final WatchService watch;
    private final Thread thread;

    private CgroupWatcher(Path root, Consumer<Path> created) throws IOException {
        watch = FileSystems.getDefault().newWatchService();
        try (Stream<Path> s = Files.walk(root, 3)) {
            for (Path d : s.filter(Files::isDirectory).toList()) {
                register(d);
            }
        }
        thread = new Thread(() -> loop(created), "varmor-cgroup-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches the first existing root of {@code candidates}; null when none exists (polling alone then). */
    public static CgroupWatcher start(List<Path> candidates, Consumer<Path> created) {
        for (Path root : candidates) {
            if (Files.isDirectory(root)) {
                try {
                    return new CgroupWatcher(root, created);
                } catch (IOException | RuntimeException e) {
                    LOG.warning("cannot watch " + root + " (falling back to polling): " + e.getMessage());
                    return null;
                }
            }
        }
        return null;
    }

    /** Kubelet's cgroup roots for the systemd and cgroupfs drivers, cgroup v2, hybrid and v1. */
    public static List<Path> defaultRoots(Path sysFsCgroup) {
        return List.of(sysFsCgroup.resolve("kubepods.slice"), sysFsCgroup.resolve("kubepods"),
                sysFsCgroup.resolve("unified/kubepods.slice"), sysFsCgroup.resolve("unified/kubepods"),
                sysFsCgroup.resolve("pids/kubepods.slice"), sysFsCgroup.resolve("pids/kubepods"));
    }

    private void register(Path dir) throws IOException {
        dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
    }

    private void loop(Consumer<Path> created) {
        while (true) {
            WatchKey key;
            try {
                key = watch.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Path dir = (Path) key.watchable();
            for (WatchEvent<?> ev : key.pollEvents()) {
                if (ev.kind() != StandardWatchEventKinds.ENTRY_CREATE) {
                    continue;
                }
                Path p = dir.resolve((Path) ev.context());
                if (Files.isDirectory(p)) {
                    watchTree(p, created, 3);
                }
            }
            key.reset();
        }
    }

    /**
     * Watches {@code dir} and reports it, then its existing subdirectories: each directory is watched before it is
     * listed, so a child created meanwhile is either listed or announced by inotify.
     */
    private void watchTree(Path dir, Consumer<Path> created, int depth) {
        try {
            register(dir);
            created.accept(dir);
            if (depth > 0) {
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path c : s.filter(Files::isDirectory).toList()) {
                        watchTree(c, created, depth - 1);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // removed meanwhile
        }
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException e) {
            // closing
        }
        thread.interrupt();
    }
}
