package io.varmor.apparmor;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows the first existing log among {@code candidates} (vArmor: {@code /var/log/audit/audit.log}, then
 * {@code /var/log/kern.log}) from its end, handing every complete new line to a consumer, and re-opens the file from
 * the start when it is rotated (a new file or a shorter one). Polls; runs on one daemon thread until closed.
 */
public final class AuditLogTailer implements AutoCloseable {
    /** vArmor's default {@code --auditLogPaths}. */
    public static final List<Path> DEFAULT_PATHS = List.of(Path.of("/var/log/audit/audit.log"), Path.of("/var/log/kern.log"));
    private static final Logger LOG = Logger.getLogger(AuditLogTailer.class.getName());

    private final List<Path> candidates;
    private final Consumer<String> lines;
    private final Duration poll;
    private final Thread thread;
    private volatile boolean running = true;

    public AuditLogTailer(List<Path> candidates, Consumer<String> lines, Duration poll) {
        this.candidates = List.copyOf(candidates);
        this.lines = lines;
        this.poll = poll;
        this.thread = new Thread(this::loop, "varmor-apparmor-audit");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        Path file = null;
        Object key = null;
        long pos = 0;
        StringBuilder partial = new StringBuilder();
        while (running) {
            try {
                if (file == null) {
                    file = candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
                    if (file != null) {
                        key = fileKey(file);
                        pos = Files.size(file);
                    }
                } else if (!Files.isRegularFile(file) || !Objects.equals(key, fileKey(file)) || Files.size(file) < pos) {
                    key = Files.isRegularFile(file) ? fileKey(file) : null;
                    pos = 0;
                    partial.setLength(0);
                }
                if (file != null && Files.isRegularFile(file) && Files.size(file) > pos) {
                    pos = read(file, pos, partial);
                }
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "audit log tailing: " + e.getMessage(), e);
            }
        }
    }

    private long read(Path file, long pos, StringBuilder partial) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(pos);
            byte[] buf = new byte[(int) Math.min(f.length() - pos, 1 << 20)];
            f.readFully(buf);
            partial.append(new String(buf, StandardCharsets.UTF_8));
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                String line = partial.substring(0, nl);
                partial.delete(0, nl + 1);
                lines.accept(line);
            }
            return pos + buf.length;
        }
    }

    private static Object fileKey(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
