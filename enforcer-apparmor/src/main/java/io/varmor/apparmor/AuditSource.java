package io.varmor.apparmor;

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

    /**
     * Follows both sources until closed. {@code lost} is told, on close, how many records the kernel reported lost or
     * suppressed meanwhile (node-wide; only known without auditd, from the kernel log).
     */
    static AutoCloseable open(Consumer<String> records, java.util.function.LongConsumer lost) {
        Consumer<String> once = dedupe(records);
        List<AutoCloseable> parts = new ArrayList<>();
        parts.add(new AuditLogTailer(AuditLogTailer.DEFAULT_PATHS, l -> {
            if (AuditRecords.isAppArmor(l)) {
                once.accept(l);
            }
        }, Duration.ofMillis(250)));
        io.varmor.core.spi.KmsgFollower kmsg = Files.isReadable(KMSG)
                ? new io.varmor.core.spi.KmsgFollower("varmor-apparmor-kmsg", AuditRecords::isAppArmor, once) : null;
        if (kmsg != null) {
            parts.add(kmsg);
        }
        return () -> {
            for (AutoCloseable c : parts) {
                c.close();
            }
            if (kmsg != null && kmsg.lost() > 0) {
                lost.accept(kmsg.lost());
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
}
