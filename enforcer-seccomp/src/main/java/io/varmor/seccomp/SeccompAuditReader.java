package io.varmor.seccomp;

import io.varmor.api.event.ViolationEvent;
import io.varmor.core.ir.Syscalls;
import io.varmor.core.spi.EventSink;
import io.varmor.core.spi.TargetBinding;
import java.io.IOException;
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
    private static final Pattern SESSION = Pattern.compile("\\bses=(\\d+)");
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");

    private final TargetBinding target;
    private final EventSink sink;
    private final Map<String, String> ruleBySyscall;
    private final io.varmor.core.spi.KmsgFollower follower;
    private volatile boolean closed;

    private static final Path RATELIMIT = Path.of("/proc/sys/kernel/printk_ratelimit");
    private static int readers;
    private static String savedRatelimit;

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
        return follower.lost();
    }

    public SeccompAuditReader(TargetBinding target, EventSink sink, Map<String, String> ruleBySyscall) {
        liftRateLimit();
        this.target = target;
        this.sink = sink;
        this.ruleBySyscall = ruleBySyscall;
        this.follower = new io.varmor.core.spi.KmsgFollower("varmor-seccomp-audit", r -> r.contains("type=1326"),
                this::record);
    }

    /** One seccomp audit record of the kernel log (the text after the kmsg header). */
    void record(String record) {
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

    /** Waits until what the kernel logged before this call has been read ({@link io.varmor.core.spi.KmsgFollower#drain}). */
    public boolean drain(java.time.Duration timeout) {
        return follower.drain(timeout);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            follower.close();
            restoreRateLimit();
            if (follower.lost() > 0) { // the kernel's count is node-wide: some may have been other targets' records
                sink.lost("Seccomp", follower.lost(), "the kernel lost or suppressed audit records");
            }
        }
    }

}
