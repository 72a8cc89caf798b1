package io.varmor.apparmor;

import io.varmor.api.event.ViolationEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses AppArmor audit records into {@link ViolationEvent}s (spec §6.3). Accepts the audit.log form
 * ({@code type=AVC msg=audit(1712345678.123:456): apparmor="DENIED" ...}), the kernel-log/dmesg form
 * ({@code ... kernel: [12.3] audit: type=1400 audit(...): apparmor="DENIED" ...}) and user-space AVCs whose fields sit in
 * {@code msg='...'}. Field names follow libapparmor's record fields as vArmor reports them ({@code operation},
 * {@code requestedMask}, {@code deniedMask}, {@code name}, {@code profile}, {@code pid}, ...); fields it does not know
 * are kept under their audit name. Values the kernel hex-encodes (names with blanks or quotes) are decoded.
 */
public final class AuditRecords {
    private static final Pattern STAMP = Pattern.compile("audit\\((\\d+)\\.(\\d+):(\\d+)\\)");
    private static final Pattern FIELD = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|'[^']*'|\\S+)");
    private static final Set<String> ACTIONS = Set.of("DENIED", "AUDIT", "ALLOWED");
    private static final Set<String> UNTRUSTED = Set.of("name", "name2", "target", "comm", "profile", "peer",
            "peer_profile", "label", "srcname", "fstype", "exe", "cwd", "info", "namespace", "parent");
    private static final Set<String> NUMERIC = Set.of("pid", "peer_pid", "fsuid", "ouid", "capability", "lport",
            "fport", "protocol", "error", "auid", "uid", "ses");
    private static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("operation", "operation"), Map.entry("profile", "profile"), Map.entry("label", "profile"),
            Map.entry("name", "name"), Map.entry("name2", "name2"), Map.entry("target", "name2"),
            Map.entry("pid", "pid"), Map.entry("peer_pid", "peerPID"), Map.entry("comm", "comm"),
            Map.entry("requested_mask", "requestedMask"), Map.entry("denied_mask", "deniedMask"),
            Map.entry("requested", "requestedMask"), Map.entry("denied", "deniedMask"),
            Map.entry("fsuid", "fsuid"), Map.entry("ouid", "ouid"), Map.entry("info", "info"),
            Map.entry("error", "errorCode"), Map.entry("parent", "parent"), Map.entry("peer", "peer"),
            Map.entry("peer_profile", "peerProfile"), Map.entry("family", "netFamily"),
            Map.entry("sock_type", "netSockType"), Map.entry("protocol", "netProtocol"),
            Map.entry("laddr", "netLocalAddr"), Map.entry("faddr", "netForeignAddr"),
            Map.entry("lport", "netLocalPort"), Map.entry("fport", "netForeignPort"), Map.entry("signal", "signal"),
            Map.entry("fstype", "fsType"), Map.entry("flags", "flags"), Map.entry("srcname", "srcName"),
            Map.entry("capability", "capability"), Map.entry("capname", "capname"),
            Map.entry("namespace", "namespace"), Map.entry("class", "class"));

    private AuditRecords() {}

    /** Whether {@code line} looks like an AppArmor record at all (cheap pre-filter for log tailing). */
    public static boolean isAppArmor(String line) {
        return line.contains("apparmor=") && (line.contains("type=1400") || line.contains("type=AVC")
                || line.contains("type=1107") || line.contains("type=USER_AVC"));
    }

    /** The violation event in {@code line}, or empty for non-AppArmor lines and non-violation records (STATUS, ...). */
    public static Optional<ViolationEvent> parse(String line) {
        if (line == null || !isAppArmor(line)) {
            return Optional.empty();
        }
        String clean = line.replace('\u001d', ' ');
        Matcher stamp = STAMP.matcher(clean);
        String body = clean;
        Long seconds = null;
        Map<String, Object> event = new LinkedHashMap<>();
        if (stamp.find()) {
            seconds = Long.parseLong(stamp.group(1));
            event.put("auditID", stamp.group(1) + "." + stamp.group(2) + ":" + stamp.group(3));
            event.put("epoch", seconds);
            body = clean.substring(stamp.end());
        }
        int inner = body.indexOf("msg='");
        if (inner >= 0 && body.indexOf("apparmor=", inner) > inner) {
            int end = body.indexOf('\'', inner + 5);
            body = body.substring(inner + 5, end < 0 ? body.length() : end);
        }
        Map<String, String> raw = new LinkedHashMap<>();
        Matcher f = FIELD.matcher(body);
        while (f.find()) {
            raw.putIfAbsent(f.group(1), value(f.group(1), f.group(2)));
        }
        String action = raw.get("apparmor");
        if (action == null || !ACTIONS.contains(action)) {
            return Optional.empty();
        }
        raw.forEach((k, v) -> {
            if (!k.equals("apparmor")) {
                event.putIfAbsent(KEYS.getOrDefault(k, k), NUMERIC.contains(k) ? typed(v) : v);
            }
        });
        if (!event.containsKey("name") && raw.containsKey("capname")) {
            event.put("name", raw.get("capname"));
        }
        String profile = raw.getOrDefault("profile", raw.get("label"));
        Long pid = raw.containsKey("pid") && raw.get("pid").matches("\\d+") ? Long.parseLong(raw.get("pid")) : null;
        String time = seconds == null ? null : Instant.ofEpochSecond(seconds).toString();
        return Optional.of(new ViolationEvent("warn", null, null, null, null, null, null, null, null, pid, null,
                seconds, AppArmorEnforcer.ID, action, profileName(profile), null, null, null, null, event, time,
                "violation event"));
    }

    /** {@code e} with the target's identity (mount namespace, policy) and the deciding rule filled in. */
    static ViolationEvent forTarget(ViolationEvent e, io.varmor.core.spi.TargetBinding t, String ruleId) {
        Map<String, String> a = t.attributes();
        return new ViolationEvent(e.level(), e.metadata(), e.nodeName(), e.podUID(), e.podName(), e.podNamespace(),
                e.containerID(), e.containerName(), e.image(), e.pid(), t.mountNamespaceId(), e.eventTimestamp(),
                e.enforcer(), e.action(), t.profileName(), a.get("policyKind"), a.get("policyName"),
                a.get("policyNamespace"), ruleId, e.event(), e.time(), e.message());
    }

    /** The top-level profile of a label: text before the first {@code /} and the first blank. */
    public static String profileName(String label) {
        if (label == null) {
            return null;
        }
        String s = label;
        int slash = s.indexOf('/');
        if (slash > 0) {
            s = s.substring(0, slash);
        }
        int blank = s.indexOf(' ');
        return blank > 0 ? s.substring(0, blank) : s;
    }

    private static String value(String key, String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        if (UNTRUSTED.contains(key) && v.length() % 2 == 0 && v.matches("[0-9A-F]+")) {
            return new String(HexFormat.of().parseHex(v), StandardCharsets.UTF_8);
        }
        return v;
    }

    private static Object typed(String v) {
        if (v.matches("-?\\d{1,18}")) {
            return Long.parseLong(v);
        }
        return v;
    }
}
