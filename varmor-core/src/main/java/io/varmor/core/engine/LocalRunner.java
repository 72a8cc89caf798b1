package io.varmor.core.engine;

import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.Availability;
import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.EnforcerProfile;
import io.varmor.core.spi.EventSink;
import io.varmor.core.spi.NodeCapabilities;
import io.varmor.core.spi.TargetBinding;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Local host mode: runs one command under one compiled policy. The command is started through {@code varmor-exec}
 * in a fresh mount namespace and held there until every enforcer has bound it, so it never runs unconfined; then
 * it executes, its events flow to the sink, and everything applied is removed when it exits.
 */
public final class LocalRunner {
    /** varmor failed before the command ran. */
    public static final int EXIT_VARMOR_FAILED = 125;

    /**
     * How to run.
     *
     * @param shim the {@code varmor-exec} binary
     * @param enforcers enforcer ids to use (empty: all the policy selects)
     * @param allowPartial run with the enforcers the node offers when some are unavailable
     * @param runDir parent directory for per-run state ({@code /run/varmor/runs})
     * @param maxDuration stop the command (SIGTERM, then SIGKILL after 5 s) after this long; null: no limit
     * @param stopWhen stop the command when this becomes true (polled); null: never
     */
    /**
     * @param onBound called once the target is bound and before its first instruction runs (e.g. to start a
     *                recorder for its mount namespace); the returned handle is closed when the run ends, before the
     *                enforcers are released. May be null.
     */
    public record Options(Path shim, List<String> enforcers, boolean allowPartial, Path runDir, PrintStream status,
                          java.time.Duration maxDuration, java.util.function.BooleanSupplier stopWhen,
                          java.util.function.Function<TargetBinding, AutoCloseable> onBound) {
        public Options(Path shim, List<String> enforcers, boolean allowPartial, Path runDir, PrintStream status) {
            this(shim, enforcers, allowPartial, runDir, status, null, null, null);
        }
    }

    private final Plugins plugins;
    private final NodeCapabilities node;

    public LocalRunner(Plugins plugins, NodeCapabilities node) {
        this.plugins = plugins;
        this.node = node;
    }

    /** Runs {@code command} and returns its exit code (or 125 when varmor failed before it ran). */
    public int run(CompiledPolicy policy, List<String> command, Options o, EventSink events) {
        EventSink sink = new EventSink() {
            @Override
            public void accept(io.varmor.api.event.ViolationEvent e) {
                events.accept(withMetadata(e));
            }

            @Override
            public void lost(String enforcer, long count, String reason) {
                events.lost(enforcer, count, reason);
            }
        };
        Map<Enforcer, EnforcerProfile> active = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Map.Entry<String, EnforcerProfile> e : policy.artifacts().entrySet()) {
            if (!o.enforcers().isEmpty() && o.enforcers().stream().noneMatch(id -> id.equalsIgnoreCase(e.getKey()))) {
                notes.add(e.getKey() + ": not selected");
                continue;
            }
            Enforcer enforcer = plugins.enforcer(e.getKey()).orElseThrow();
            Availability a = enforcer.availability(node);
            if (a.available()) {
                active.put(enforcer, e.getValue());
            } else {
                notes.add(e.getKey() + ": UNAVAILABLE (" + a.detail() + ")");
            }
        }
        boolean missing = notes.stream().anyMatch(n -> n.contains("UNAVAILABLE"));
        String summary = "varmor: " + policy.ir().profileName() + " [" + policy.ir().mode().wireName() + "] enforced by "
                + (active.isEmpty() ? "nothing" : String.join(", ", active.keySet().stream().map(Enforcer::id).toList()))
                + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
        o.status().println(summary);
        if (active.isEmpty() || (missing && !o.allowPartial())) {
            o.status().println("varmor: refusing to run " + (active.isEmpty() ? "with no enforcement" : "partly enforced")
                    + (missing ? " (pass --allow-partial to run with what this node offers, or try `varmor lab -- varmor run …`)" : ""));
            return EXIT_VARMOR_FAILED;
        }
        cleanStaleRuns(o.runDir());
        Path work;
        try {
            Files.createDirectories(o.runDir());
            work = Files.createTempDirectory(o.runDir(), ProcessHandle.current().pid() + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            o.status().println("varmor: cannot create run directory under " + o.runDir() + ": " + e.getMessage());
            return EXIT_VARMOR_FAILED;
        }
        Deque<AutoCloseable> undo = new ArrayDeque<>();
        try {
            return launch(policy, command, o, sink, active, work, undo);
        } finally {
            while (!undo.isEmpty()) {
                try {
                    undo.pop().close();
                } catch (Exception e) {
                    o.status().println("varmor: cleanup failed: " + e.getMessage());
                }
            }
            deleteTree(work);
        }
    }

    private int launch(CompiledPolicy policy, List<String> command, Options o, EventSink sink,
                       Map<Enforcer, EnforcerProfile> active, Path work, Deque<AutoCloseable> undo) {
        List<String> argv = new ArrayList<>(List.of(o.shim().toString(), "--sync-socket", work.resolve("sync").toString()));
        try {
            for (Map.Entry<Enforcer, EnforcerProfile> e : active.entrySet()) {
                argv.addAll(e.getKey().launchArguments(e.getValue(), work));
            }
        } catch (EnforcementException e) {
            o.status().println("varmor: " + e.getMessage());
            return EXIT_VARMOR_FAILED;
        }
        argv.add("--");
        argv.addAll(command);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(work.resolve("sync")));
            Process p = new ProcessBuilder(argv).inheritIO().start();
            undo.push(() -> {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            });
            SocketChannel ch = accept(server, p);
            if (ch == null) {
                return waitQuietly(p, EXIT_VARMOR_FAILED);
            }
            try (ch) {
                String ready = readLine(ch);
                String[] f = ready.split(" ");
                if (f.length < 3 || !f[0].equals("ready")) {
                    o.status().println("varmor: launcher answered \"" + ready + "\"");
                    return waitQuietly(p, EXIT_VARMOR_FAILED);
                }
                Map<String, String> identity = identity(policy);
                if (f.length > 3 && !f[3].equals("0")) {
                    identity.put(TargetBinding.AUDIT_SESSION, f[3]);
                }
                TargetBinding target = new TargetBinding(policy.ir().profileName(), Long.parseLong(f[2]), 0,
                        Long.parseLong(f[1]), System.currentTimeMillis(), identity);
                for (Map.Entry<Enforcer, EnforcerProfile> e : active.entrySet()) {
                    undo.push(e.getKey().observe(target, sink));
                }
                try {
                    for (Map.Entry<Enforcer, EnforcerProfile> e : active.entrySet()) {
                        undo.push(e.getKey().apply(e.getValue(), target));
                    }
                } catch (EnforcementException e) {
                    o.status().println("varmor: " + e.getMessage());
                    ch.write(ByteBuffer.wrap("no\n".getBytes(StandardCharsets.US_ASCII)));
                    return waitQuietly(p, EXIT_VARMOR_FAILED);
                }
                if (o.onBound() != null) {
                    undo.push(o.onBound().apply(target));
                }
                ch.write(ByteBuffer.wrap("go\n".getBytes(StandardCharsets.US_ASCII)));
            }
            Signals.forwardTo(p);
            int code = waitFor(p, o);
            return code;
        } catch (IOException e) {
            o.status().println("varmor: cannot start " + command.get(0) + ": " + e.getMessage());
            return EXIT_VARMOR_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_VARMOR_FAILED;
        }
    }

    private static int waitFor(Process p, Options o) throws InterruptedException {
        if (o.maxDuration() == null && o.stopWhen() == null) {
            return p.waitFor();
        }
        long deadline = o.maxDuration() == null ? Long.MAX_VALUE : System.nanoTime() + o.maxDuration().toNanos();
        while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() >= deadline || (o.stopWhen() != null && o.stopWhen().getAsBoolean())) {
                o.status().println("varmor: stopping the command (" + (System.nanoTime() >= deadline ? "duration reached" : "behaviour converged") + ")");
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
                return p.waitFor();
            }
        }
        return p.exitValue();
    }

    private static final String NODE_NAME = nodeName();

    private static String nodeName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** vArmor puts {@code metadata.varmorNamespace} on every line; in local mode it is {@code local}. */
    private static io.varmor.api.event.ViolationEvent withMetadata(io.varmor.api.event.ViolationEvent e) {
        if (e.metadata() != null) {
            return e;
        }
        String node = NODE_NAME;
        return new io.varmor.api.event.ViolationEvent(e.level(), Map.of("varmorNamespace", "local"),
                e.nodeName() == null ? node : e.nodeName(), e.podUID(), e.podName(), e.podNamespace(), e.containerID(),
                e.containerName(), e.image(), e.pid(), e.mntNsID(), e.eventTimestamp(), e.enforcer(), e.action(),
                e.profileName(), e.policyKind(), e.policyName(), e.policyNamespace(), e.ruleId(), e.event(), e.time(),
                e.message());
    }

    private static Map<String, String> identity(CompiledPolicy policy) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("policyKind", policy.ir().policyKind());
        m.put("policyName", policy.ir().policyName());
        m.put("policyNamespace", policy.ir().policyNamespace());
        return m;
    }

    private static SocketChannel accept(ServerSocketChannel server, Process p) throws IOException {
        var pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "varmor-accept");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<SocketChannel> f = pool.submit(server::accept);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try {
                    return f.get(20, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    if (!p.isAlive()) {
                        return null;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return null;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String readLine(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(128);
        while (buf.hasRemaining()) {
            int n = ch.read(buf);
            if (n < 0) {
                break;
            }
            if (buf.position() > 0 && buf.get(buf.position() - 1) == '\n') {
                break;
            }
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
    }

    private static int waitQuietly(Process p, int fallback) {
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fallback;
    }

    /** Removes run directories whose varmor process is gone (a crashed run's leftovers). */
    static void cleanStaleRuns(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            return;
        }
        try (Stream<Path> s = Files.list(runDir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                int dash = name.indexOf('-');
                if (dash <= 0) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(name.substring(0, dash));
                    if (ProcessHandle.of(pid).isEmpty()) {
                        deleteTree(p);
                    }
                } catch (NumberFormatException ignored) {
                    // not ours
                }
            }
        } catch (IOException ignored) {
            // best effort
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort
        }
    }
}
