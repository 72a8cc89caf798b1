package io.varmor.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A booted kernel-lab guest (see {@link KernelLab#start(LabConfig)}). Commands run as root inside the guest,
 * which sees the host root read-only at the same paths, so host binaries and a host JVM classpath work as is.
 * Thread-safe; every wait is bounded. {@link #close()} powers the guest off and kills qemu if it lingers.
 */
public final class Lab implements AutoCloseable {
    private final Process qemu;
    private final Path share;
    private final Path labDir;
    private final LabConfig config;
    private final Thread shutdownHook;
    private final String kernelRelease;
    private final String lsm;
    private final long startNanos;
    private final Duration bootDuration;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicInteger commands = new AtomicInteger();
    private volatile long lastResultNanos;
    private volatile boolean closed;

    Lab(Process qemu, Path share, LabConfig config, Thread shutdownHook, long startNanos) throws IOException {
        this.qemu = qemu;
        this.share = share;
        this.labDir = share.resolve(".lab");
        this.config = config;
        this.shutdownHook = shutdownHook;
        this.startNanos = startNanos;
        this.bootDuration = Duration.ofNanos(System.nanoTime() - startNanos);
        this.lastResultNanos = System.nanoTime();
        List<String> ready = Files.readAllLines(labDir.resolve("ready"));
        this.kernelRelease = ready.isEmpty() ? "?" : ready.get(0).trim();
        this.lsm = ready.size() > 1 ? ready.get(1).trim() : "";
    }

    /** Runs {@code argv} (no shell) in {@code cwd} with a timeout. */
    public Result run(List<String> argv, Duration timeout, Path cwd) {
        return run(GuestCommand.argv(argv).timeout(timeout).cwd(cwd));
    }

    /** Runs {@code sh -c shellCmd} in {@code cwd} with a timeout. */
    public Result run(String shellCmd, Duration timeout, Path cwd) {
        return run(GuestCommand.shell(shellCmd).timeout(timeout).cwd(cwd));
    }

    /**
     * Runs a command and waits for it (bounded by its timeout plus a kill grace period).
     *
     * @throws LabException when the guest died or the lab is closed
     */
    public Result run(GuestCommand cmd) {
        if (closed) {
            throw new LabException("lab is closed");
        }
        String id = String.format("c%05d", seq.incrementAndGet());
        Path out = labDir.resolve("out").resolve(id + ".out");
        Path err = labDir.resolve("out").resolve(id + ".err");
        Path rc = labDir.resolve("out").resolve(id + ".rc");
        long start = System.nanoTime();
        try {
            Path tmp = labDir.resolve("req").resolve("." + id + ".tmp");
            Files.writeString(tmp, cmd.script(labDir.resolve("out").resolve(id + ".pid")));
            Files.move(tmp, labDir.resolve("req").resolve(id + ".sh"), StandardCopyOption.ATOMIC_MOVE);
            Tail outTail = new Tail(out, cmd.stdoutSink());
            Tail errTail = new Tail(err, cmd.stderrSink());
            long deadline = start + cmd.timeout().toNanos();
            boolean timedOut = false;
            long sleepMs = 2;
            while (!Files.exists(rc)) {
                outTail.pump();
                errTail.pump();
                if (!qemu.isAlive()) {
                    throw new LabException("guest died (qemu exit " + qemu.exitValue() + ") while running " + cmd
                            + "\n" + diagnostics());
                }
                long now = System.nanoTime();
                if (!timedOut && now > deadline) {
                    timedOut = true;
                    Files.writeString(labDir.resolve("kill").resolve(id), "");
                    deadline = now + Duration.ofSeconds(15).toNanos();
                } else if (timedOut && now > deadline) {
                    return finish(-1, out, err, start, true);
                }
                sleep(sleepMs);
                sleepMs = Math.min(50, sleepMs * 2);
            }
            outTail.pump();
            errTail.pump();
            String code = Files.readString(rc).trim();
            return finish(code.isEmpty() ? -1 : Integer.parseInt(code), out, err, start, timedOut);
        } catch (IOException e) {
            throw new LabException("lab protocol I/O failed for " + cmd + ": " + e, e);
        }
    }

    private Result finish(int code, Path out, Path err, long start, boolean timedOut) throws IOException {
        String o = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
        String e = Files.exists(err) ? Files.readString(err, StandardCharsets.UTF_8) : "";
        commands.incrementAndGet();
        lastResultNanos = System.nanoTime();
        return new Result(code, o, e, Duration.ofNanos(lastResultNanos - start), timedOut);
    }

    /** Kernel release reported by the guest ({@code uname -r}). */
    public String kernelRelease() {
        return kernelRelease;
    }

    /** Active LSMs reported by the guest ({@code /sys/kernel/security/lsm}). */
    public String lsm() {
        return lsm;
    }

    /** Time from qemu start to the guest command loop being ready. */
    public Duration bootDuration() {
        return bootDuration;
    }

    /** Time from qemu start to the most recent command result (the "boot-to-result" figure). */
    public Duration bootToLastResult() {
        return Duration.ofNanos(lastResultNanos - startNanos);
    }

    /** Number of commands completed. */
    public int commandCount() {
        return commands.get();
    }

    /** The writable directory shared with the guest at the same path. */
    public Path shareDir() {
        return share;
    }

    /** Config this lab was booted with. */
    public LabConfig config() {
        return config;
    }

    /** Tail of the qemu log and guest serial console, for failure messages. */
    public String diagnostics() {
        return KernelLab.diagnostics(share);
    }

    /** Powers the guest off (bounded wait), kills qemu if needed and deletes the share directory. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (qemu.isAlive()) {
                Files.writeString(labDir.resolve("poweroff"), "");
                qemu.waitFor(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            System.err.println("varmor-lab: power-off request failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            KernelLab.kill(qemu);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // JVM already shutting down: the hook runs anyway
            }
            try {
                KernelCache.deleteTree(share);
            } catch (IOException e) {
                System.err.println("varmor-lab: could not delete " + share + ": " + e);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while waiting for the guest");
        }
    }

    /** Copies bytes appended to a file to a sink (live output). */
    private static final class Tail {
        private final Path file;
        private final OutputStream sink;
        private long pos;

        Tail(Path file, OutputStream sink) {
            this.file = file;
            this.sink = sink;
        }

        void pump() {
            if (sink == null || !Files.exists(file)) {
                return;
            }
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long len = f.length();
                if (len <= pos) {
                    return;
                }
                byte[] buf = new byte[(int) Math.min(len - pos, 1 << 20)];
                f.seek(pos);
                f.readFully(buf);
                pos += buf.length;
                sink.write(buf);
                sink.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
