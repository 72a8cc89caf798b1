package io.varmor.apparmor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where AppArmor records appear on a node: the audit log when auditd runs ({@link AuditLogTailer}), otherwise the
 * kernel log ({@code /dev/kmsg}, read from the moment of opening). Both are followed when present; a record seen in
 * both (same {@code audit(...)} stamp) is delivered once.
 */
final class AuditSource {
    private static final Path KMSG = Path.of("/dev/kmsg");
    private static final Pattern STAMP = Pattern.compile("audit\\(\\d+\\.\\d+:\\d+\\)");

    private AuditSource() {}

    static AutoCloseable open(Consumer<String> records) {
        Consumer<String> once = dedupe(records);
        List<AutoCloseable> parts = new ArrayList<>();
        parts.add(new AuditLogTailer(AuditLogTailer.DEFAULT_PATHS, l -> {
            if (AuditRecords.isAppArmor(l)) {
                once.accept(l);
            }
        }, Duration.ofMillis(250)));
        if (Files.isReadable(KMSG)) {
            parts.add(new KmsgReader(once));
        }
        return () -> {
            for (AutoCloseable c : parts) {
                c.close();
            }
        };
    }

    private static Consumer<String> dedupe(Consumer<String> next) {
        Map<String, Boolean> seen = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > 4096;
            }
        };
        return line -> {
            Matcher m = STAMP.matcher(line);
            boolean first;
            synchronized (seen) {
                first = !m.find() || seen.put(m.group(), Boolean.TRUE) == null;
            }
            if (first) {
                next.accept(line);
            }
        };
    }

    /** Follows {@code /dev/kmsg}, passing AppArmor records logged after it was opened. */
    private static final class KmsgReader implements AutoCloseable {
        private final Consumer<String> records;
        private final long startMicros = uptimeMicros() - 50_000;
        private final Thread thread;
        private volatile boolean closed;

        KmsgReader(Consumer<String> records) {
            this.records = records;
            this.thread = new Thread(this::loop, "varmor-apparmor-kmsg");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        private void loop() {
            while (!closed) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(KMSG),
                        StandardCharsets.UTF_8))) {
                    for (String line; !closed && (line = r.readLine()) != null; ) {
                        handle(line);
                    }
                } catch (IOException e) {
                    if (closed || !Files.isReadable(KMSG)) {
                        return;
                    }
                    // EPIPE: the ring buffer overtook us; reopen and go on
                }
            }
        }

        private void handle(String line) {
            lastLineNanos = System.nanoTime();
            int semi = line.indexOf(';');
            if (semi >= 0 && line.startsWith(marker, semi + 1)) {
                reached.countDown();
                return;
            }
            if (semi < 0 || !AuditRecords.isAppArmor(line)) {
                return;
            }
            String[] head = line.substring(0, semi).split(",");
            try {
                if (head.length >= 3 && Long.parseLong(head[2]) < startMicros) {
                    return;
                }
            } catch (NumberFormatException ignored) {
                // keep the record
            }
            records.accept(line.substring(semi + 1));
        }

        private final String marker = "varmor-apparmor-sync " + Long.toHexString(System.nanoTime());
        private final java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
        private volatile long lastLineNanos = System.nanoTime();

        /**
         * Delivers what the kernel logged before closing (a denial just before the target exited is the usual last
         * record): a marker is written into the kernel log and read back, then the log must be quiet for 300 ms, all
         * within 3 s.
         */
        @Override
        public void close() {
            long deadline = System.nanoTime() + 3_000_000_000L;
            try {
                Files.writeString(KMSG, "<6>" + marker + "\n");
                reached.await(3, java.util.concurrent.TimeUnit.SECONDS);
                while (System.nanoTime() < deadline && System.nanoTime() - lastLineNanos < 300_000_000L) {
                    Thread.sleep(50);
                }
            } catch (IOException e) {
                // cannot write the marker (not root): close without waiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closed = true;
            thread.interrupt();
        }

        private static long uptimeMicros() {
            try {
                return (long) (Double.parseDouble(Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0]) * 1e6);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }
}
