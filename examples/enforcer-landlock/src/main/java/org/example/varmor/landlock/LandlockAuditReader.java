package org.example.varmor.landlock;

import io.varmor.api.event.ViolationEvent;
import io.varmor.core.spi.EventSink;
import io.varmor.core.spi.TargetBinding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Landlock's denial records (ABI 7: {@code AUDIT_LANDLOCK_ACCESS} 1423 and {@code AUDIT_LANDLOCK_DOMAIN} 1424) read
 * from {@code /dev/kmsg}, as violation events. The kernel writes them only when audit is enabled; without an audit
 * daemon they reach the kernel log. An access record names a domain, not a process: the domain is the sandbox's when
 * its allocation record names the sandbox's pid (varmor-exec creates the domain, then executes the command in place).
 * Access records arrive before that allocation record, so they wait until their domain is known.
 */
public final class LandlockAuditReader implements AutoCloseable {
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");
    private static final Pattern SERIAL = Pattern.compile("audit\\((\\d+)\\.(\\d+):(\\d+)\\)");
    private static final int MAX_PENDING = 256;

    private final TargetBinding target;
    private final EventSink sink;
    private final LandlockProfile profile;
    private final Set<String> domains = new HashSet<>();
    private final Map<String, List<String>> pending = new HashMap<>();
    private int pendingCount;
    private io.varmor.core.spi.KmsgFollower follower;

    LandlockAuditReader(TargetBinding target, EventSink sink, LandlockProfile profile) {
        this.target = target;
        this.sink = sink;
        this.profile = profile;
    }

    /** Starts following the kernel log (varmor-core's follower: records logged from now on, drained on close). */
    static LandlockAuditReader start(TargetBinding target, EventSink sink, LandlockProfile profile) {
        LandlockAuditReader r = new LandlockAuditReader(target, sink, profile);
        r.follower = new io.varmor.core.spi.KmsgFollower("varmor-landlock-audit",
                t -> t.contains("type=1423") || t.contains("type=1424"), r::record);
        return r;
    }

    /** One Landlock audit record (the text after the kmsg header). */
    synchronized void record(String record) {
        if (!(record.contains("type=1423") || record.contains("type=1424"))) {
            return;
        }
        Map<String, String> f = fields(record);
        String domain = f.get("domain");
        if (domain == null) {
            return;
        }
        if (record.contains("type=1424")) {
            if ("allocated".equals(f.get("status")) && String.valueOf(target.pid()).equals(f.get("pid")) && domains.add(domain)) {
                List<String> waiting = pending.remove(domain);
                if (waiting != null) {
                    pendingCount -= waiting.size();
                    waiting.forEach(r -> toEvent(r).ifPresent(sink::accept));
                }
            }
        } else if (domains.contains(domain)) {
            toEvent(record).ifPresent(sink::accept);
        } else if (pendingCount < MAX_PENDING) {
            pending.computeIfAbsent(domain, d -> new ArrayList<>()).add(record);
            pendingCount++;
        }
    }

    /** The event for one access record, or empty when the rule that denied it asked for silence. */
    Optional<ViolationEvent> toEvent(String record) {
        Map<String, String> f = fields(record);
        String blockers = f.getOrDefault("blockers", "");
        Map<String, Object> event = new LinkedHashMap<>();
        Matcher serial = SERIAL.matcher(record);
        long epoch = Instant.now().getEpochSecond();
        if (serial.find()) {
            epoch = Long.parseLong(serial.group(1));
            event.put("auditID", serial.group(1) + "." + serial.group(2) + ":" + serial.group(3));
        }
        event.put("blockers", blockers);
        RuleMatch rule;
        if (blockers.startsWith("fs.")) {
            event.put("operation", "File");
            event.put("path", f.get("path"));
            rule = fileRule(f.getOrDefault("path", ""));
        } else if (blockers.startsWith("net.")) {
            event.put("operation", "Network");
            String port = f.getOrDefault("dest", f.getOrDefault("dport", f.get("fport")));
            event.put("port", port);
            rule = portRule(port);
        } else if (blockers.startsWith("ptrace")) {
            event.put("operation", "Ptrace");
            event.put("peer", f.get("opid"));
            rule = profile.ptrace().stream().findFirst().map(p -> new RuleMatch(p.origin(), p.audit()))
                    .orElse(new RuleMatch("landlock-domain", true));
        } else {
            event.put("operation", "Scope");
            rule = new RuleMatch("landlock-domain", true);
        }
        if (!rule.audit()) {
            return Optional.empty();
        }
        Map<String, String> a = target.attributes();
        return Optional.of(new ViolationEvent("warn", null, null, null, null, null, null, null, null, null,
                target.mountNamespaceId(), epoch, "Landlock", "DENIED", target.profileName(), a.get("policyKind"),
                a.get("policyName"), a.get("policyNamespace"), rule.origin(), event, Instant.ofEpochSecond(epoch).toString(),
                "violation event"));
    }

    private record RuleMatch(String origin, boolean audit) {}

    private RuleMatch fileRule(String path) {
        for (LandlockProfile.FsDeny d : profile.files()) {
            String below = d.path().equals("/") ? "/" : d.path() + "/";
            if (path.equals(d.path()) || (d.beneath() && path.startsWith(below))) {
                return new RuleMatch(d.origin(), d.audit());
            }
        }
        for (LandlockProfile.FsDeny d : profile.files()) {
            if (d.path().startsWith(path.equals("/") ? "/" : path + "/")) {
                return new RuleMatch(d.origin() + " (ancestor of the denied path)", d.audit());
            }
        }
        return new RuleMatch("landlock-domain", true);
    }

    private RuleMatch portRule(String port) {
        try {
            int p = Integer.parseInt(String.valueOf(port));
            for (LandlockProfile.PortDeny d : profile.ports()) {
                if (p >= d.from() && p <= d.to()) {
                    return new RuleMatch(d.origin(), d.audit());
                }
            }
        } catch (NumberFormatException ignored) {
            // no port in the record
        }
        return new RuleMatch("landlock-domain", true);
    }

    private static Map<String, String> fields(String record) {
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(record);
        while (m.find()) {
            String v = m.group(2);
            f.putIfAbsent(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        return f;
    }

    @Override
    public void close() {
        if (follower != null) {
            follower.close();
            if (follower.lost() > 0) {
                sink.lost("Landlock", follower.lost(), "the kernel lost or suppressed audit records");
            }
        }
    }
}
