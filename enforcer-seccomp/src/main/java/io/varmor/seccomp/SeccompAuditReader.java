package io.varmor.seccomp;

import io.varmor.api.event.ViolationEvent;
import io.varmor.core.ir.Syscalls;
import io.varmor.core.spi.EventSink;
import io.varmor.core.spi.TargetBinding;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the kernel's seccomp audit records ({@code type=1326}, read from {@code /dev/kmsg}) into violation events.
 * varmor installs its filters with {@code SECCOMP_FILTER_FLAG_LOG}, so refused syscalls are reported as
 * {@code DENIED} (vArmor can only report {@code AUDIT|ALLOWED}, from {@code SCMP_ACT_LOG}). Records carry a pid, not a
 * profile. When the launcher gave the target an audit session of its own ({@link TargetBinding#AUDIT_SESSION}), a
 * record belongs to the target exactly when its {@code ses=} matches — inherited by every descendant, immune to pid
 * reuse. Otherwise a record belongs to the target when the process is in the target's mount namespace, or — for a
 * process that has already exited — when its pid was allocated after the target started (a heuristic).
 */
public final class SeccompAuditReader implements AutoCloseable {
    private static final Pattern LOST = Pattern.compile("(?:audit_lost=|kauditd_printk_skb: )(\\d+)");
    private static final Pattern SESSION = Pattern.compile("\\bses=(\\d+)");
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");

    private final TargetBinding target;
    private final EventSink sink;
    private final Map<String, String> ruleBySyscall;
    private final long startMicros;
    private final Thread thread;
    private volatile boolean closed;

    private static final Path RATELIMIT = Path.of("/proc/sys/kernel/printk_ratelimit");
    private static int readers;
    private static String savedRatelimit;
    private final java.util.concurrent.atomic.AtomicLong lost = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Without an audit daemon the kernel prints audit records through {@code printk_ratelimit()} (10 per 5 s by
     * default). While any reader runs, the limit is lifted (as vArmor does) and restored when the last one stops.
     */
    private static synchronized void liftRateLimit() {
        if (readers++ == 0) {
            try {
                savedRatelimit = Files.readString(RATELIMIT).trim();
                Files.writeString(RATELIMIT, "0");
            } catch (IOException | RuntimeException e) {
                savedRatelimit = null;
            }
        }
    }

    private static synchronized void restoreRateLimit() {
        if (--readers == 0 && savedRatelimit != null) {
            try {
                Files.writeString(RATELIMIT, savedRatelimit);
            } catch (IOException | RuntimeException ignored) {
                // best effort
            }
        }
    }

    /** Records the kernel reported as lost or suppressed while this reader ran. */
    public long lost() {
        return lost.get();
    }

    public SeccompAuditReader(TargetBinding target, EventSink sink, Map<String, String> ruleBySyscall) {
        liftRateLimit();
        this.target = target;
        this.sink = sink;
        this.ruleBySyscall = ruleBySyscall;
        this.startMicros = uptimeMicros() - 50_000;
        this.thread = new Thread(this::loop, "varmor-seccomp-audit");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        while (!closed) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(Path.of("/dev/kmsg")),
                    StandardCharsets.UTF_8))) {
                for (String line; !closed && (line = r.readLine()) != null; ) {
                    handle(line);
                }
            } catch (IOException e) {
                if (closed || !Files.isReadable(Path.of("/dev/kmsg"))) {
                    return;
                }
                // EPIPE: records were overwritten while we read; reopen and continue
            }
        }
    }

    void handle(String kmsgLine) {
        lastLineNanos = System.nanoTime();
        int semi = kmsgLine.indexOf(';');
        if (semi < 0) {
            return;
        }
        if (kmsgLine.startsWith(syncMarker, semi + 1)) {
            synced.countDown();
            return;
        }
        if (!kmsgLine.contains("type=1326")) {
            Matcher lostMatch = LOST.matcher(kmsgLine);
            if (lostMatch.find() && afterStart(kmsgLine)) {
                lost.addAndGet(Long.parseLong(lostMatch.group(1)));
            }
            return;
        }
        String[] head = kmsgLine.substring(0, semi).split(",");
        if (head.length >= 3) {
            try {
                if (Long.parseLong(head[2]) < startMicros) {
                    return;
                }
            } catch (NumberFormatException ignored) {
                // keep the record
            }
        }
        String record = kmsgLine.substring(semi + 1);
        String session = target.attributes().get(TargetBinding.AUDIT_SESSION);
        if (session != null) {
            Matcher ses = SESSION.matcher(record);
            if (!ses.find() || !ses.group(1).equals(session)) {
                return;
            }
            parse(record).ifPresent(sink::accept);
            return;
        }
        parse(record).filter(this::belongsToTarget).ifPresent(sink::accept);
    }

    private boolean afterStart(String kmsgLine) {
        String[] head = kmsgLine.substring(0, Math.max(kmsgLine.indexOf(';'), 0)).split(",");
        try {
            return head.length < 3 || Long.parseLong(head[2]) >= startMicros;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private boolean belongsToTarget(ViolationEvent e) {
        long pid = e.pid() == null ? 0 : e.pid();
        Path ns = Path.of("/proc", Long.toString(pid), "ns", "mnt");
        try {
            String link = Files.readSymbolicLink(ns).toString();
            return link.equals("mnt:[" + target.mountNamespaceId() + "]");
        } catch (IOException gone) {
            return pid >= target.pid();
        }
    }

    /** Parses one audit record (the text after the kmsg header, or a line of audit.log). */
    public Optional<ViolationEvent> parse(String record) {
        if (!record.contains("type=1326") && !record.contains("type=SECCOMP")) {
            return Optional.empty();
        }
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(record);
        while (m.find()) {
            String v = m.group(2);
            f.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        if (!f.containsKey("syscall") || !f.containsKey("pid")) {
            return Optional.empty();
        }
        int nr;
        long code;
        try {
            nr = Integer.parseInt(f.get("syscall"));
            code = Long.decode(f.getOrDefault("code", "0"));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Syscalls table = "40000003".equals(f.get("arch")) ? Syscalls.I386 : Syscalls.X86_64;
        String syscall = table.name(nr);
        long action = code & 0xffff0000L;
        String verdict = action == 0x7ffc0000L ? "AUDIT|ALLOWED" : action == 0x7fff0000L ? "ALLOWED" : "DENIED";
        Map<String, Object> event = new LinkedHashMap<>();
        Matcher id = Pattern.compile("audit\\((\\d+)\\.(\\d+):(\\d+)\\)").matcher(record);
        long epoch = Instant.now().getEpochSecond();
        if (id.find()) {
            epoch = Long.parseLong(id.group(1));
            event.put("auditID", id.group(1) + "." + id.group(2) + ":" + id.group(3));
            event.put("epoch", epoch);
        }
        event.put("operation", "Syscall");
        event.put("syscall", syscall);
        event.put("arch", "40000003".equals(f.get("arch")) ? "x86" : "x86_64");
        event.put("comm", f.get("comm"));
        event.put("exe", f.get("exe"));
        if (f.containsKey("subj")) {
            event.put("subj", f.get("subj"));
        }
        long pid = Long.parseLong(f.get("pid"));
        Map<String, String> a = target.attributes();
        return Optional.of(new ViolationEvent("warn", null, null, null, null, null, null, null, null, pid,
                target.mountNamespaceId(), epoch, "Seccomp", verdict, target.profileName(), a.get("policyKind"),
                a.get("policyName"), a.get("policyNamespace"), ruleBySyscall.getOrDefault(syscall, ruleBySyscall.getOrDefault("*", "syscall " + syscall)),
                event, Instant.ofEpochSecond(epoch).toString(), "violation event"));
    }

    private final String syncMarker = "varmor-audit-sync " + Long.toHexString(System.nanoTime()) + "-" + Integer.toHexString(hashCode());
    private final java.util.concurrent.CountDownLatch synced = new java.util.concurrent.CountDownLatch(1);

    private volatile long lastLineNanos = System.nanoTime();

    /**
     * Waits until the records the kernel logged before this call have been read: writes a marker into the kernel log
     * and waits for the reader to reach it. Audit records reach the log through the kauditd thread, after a delay, so
     * the reader then keeps going until the log has been quiet for 300 ms (all within {@code timeout}).
     */
    public boolean drain(java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Files.writeString(Path.of("/dev/kmsg"), "<6>" + syncMarker + "\n");
            boolean reached = synced.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            while (System.nanoTime() < deadline && System.nanoTime() - lastLineNanos < 300_000_000L) {
                Thread.sleep(50);
            }
            return reached;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            drain(java.time.Duration.ofSeconds(3));
            closed = true;
            thread.interrupt();
            restoreRateLimit();
            if (lost.get() > 0) { // the kernel's count is node-wide: some may have been other targets' records
                sink.lost("Seccomp", lost.get(), "the kernel lost or suppressed audit records");
            }
        }
    }

    static long uptimeMicros() {
        try {
            String s = Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0];
            return (long) (Double.parseDouble(s) * 1_000_000);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
