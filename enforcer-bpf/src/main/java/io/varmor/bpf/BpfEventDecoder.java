package io.varmor.bpf;

import io.varmor.api.event.ViolationEvent;
import io.varmor.bpf.kernel.Layout;
import io.varmor.core.ir.Linux;
import io.varmor.core.spi.TargetBinding;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ring-buffer records ({@code struct va_event}: header + body, see varmor.h) into {@link ViolationEvent}s with vArmor's
 * {@code event} shapes: {@code {operation: File|Bprm, permissions[], path}}, {@code {operation: Capability,
 * capability}}, {@code {operation: Network, type: socket|connect|sendmsg, socket{...} | address{ip, port}}},
 * {@code {operation: Ptrace, permission, external}}, {@code {operation: Mount, path, type, flags[]}} and
 * {@code {operation: UserNamespace}}. Pure.
 */
public final class BpfEventDecoder {
    private static final String[] OPS = {"", "open", "exec", "link", "rename", "symlink", "mknod", "unlink", "mkdir",
        "rmdir", "truncate", "mmap", "mprotect", "mount", "move_mount", "umount"};
    private static final Map<Long, String> MOUNT_FLAG_NAMES = new LinkedHashMap<>();

    static {
        long[] bits = {Linux.MS_RDONLY, Linux.MS_NOSUID, Linux.MS_NODEV, Linux.MS_NOEXEC, Linux.MS_SYNCHRONOUS,
            Linux.MS_REMOUNT, Linux.MS_MANDLOCK, Linux.MS_DIRSYNC, Linux.MS_NOATIME, Linux.MS_NODIRATIME, Linux.MS_BIND,
            Linux.MS_MOVE, Linux.MS_REC, Linux.MS_SILENT, Linux.MS_UNBINDABLE, Linux.MS_PRIVATE, Linux.MS_SLAVE,
            Linux.MS_SHARED, Linux.MS_RELATIME, Linux.MS_I_VERSION, Linux.MS_STRICTATIME};
        String[] names = {"ro", "nosuid", "nodev", "noexec", "sync", "remount", "mand", "dirsync", "noatime",
            "nodiratime", "bind", "move", "rec", "silent", "unbindable", "private", "slave", "shared", "relatime",
            "iversion", "strictatime"};
        for (int i = 0; i < bits.length; i++) {
            MOUNT_FLAG_NAMES.put(bits[i], names[i]);
        }
    }

    /** Decoded header fields the dispatcher needs before building the event. */
    public record Header(int action, int type, long mntNs, long tgid, long ktime, int profile, int rule) {}

    private BpfEventDecoder() {}

    public static Header header(ByteBuffer b) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int o = le.position();
        return new Header(le.getInt(o), le.getInt(o + 4), Integer.toUnsignedLong(le.getInt(o + 8)),
                Integer.toUnsignedLong(le.getInt(o + 12)), le.getLong(o + 16), le.getInt(o + 24), le.getInt(o + 28));
    }

    /**
     * @param b              one ring-buffer record
     * @param target         the binding the namespace belongs to (profile, policy identity)
     * @param rules          rule ids of the profile (reference i + 1), or null when unknown
     * @param bootEpochNanos wall-clock time of ktime 0 (boot), to turn the kernel's monotonic time into a timestamp
     */
    public static ViolationEvent decode(ByteBuffer b, TargetBinding target, List<String> rules, long bootEpochNanos) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int o = le.position();
        Header h = header(le);
        String comm = cString(le, o + 40, 16);
        int body = o + Layout.EV_HDR;
        Map<String, Object> ev = new LinkedHashMap<>();
        switch (h.type()) {
            case Layout.T_FILE, Layout.T_BPRM -> {
                ev.put("operation", h.type() == Layout.T_FILE ? "File" : "Bprm");
                ev.put("permissions", permissions(le.getInt(body)));
                int op = le.getInt(body + 4);
                ev.put("path", cString(le, body + Layout.EV_PATH_HEAD, Math.min(le.getInt(body + 32), b.remaining() - Layout.EV_HDR - Layout.EV_PATH_HEAD)));
                if (op > 0 && op < OPS.length) {
                    ev.put("access", OPS[op]);
                }
                if ((le.getInt(body + 36) & 1) != 0) {
                    ev.put("unresolved", true);
                }
            }
            case Layout.T_MOUNT -> {
                ev.put("operation", "Mount");
                int op = le.getInt(body + 4);
                ev.put("path", cString(le, body + Layout.EV_PATH_HEAD, Math.min(le.getInt(body + 32), b.remaining() - Layout.EV_HDR - Layout.EV_PATH_HEAD)));
                ev.put("type", cString(le, body + 16, 16));
                List<String> flags = op == 15 ? List.of("umount") : mountFlags(le.getLong(body + 8));
                ev.put("flags", flags);
                if (op > 0 && op < OPS.length) {
                    ev.put("access", OPS[op]);
                }
            }
            case Layout.T_CAP -> {
                ev.put("operation", "Capability");
                int cap = le.getInt(body);
                ev.put("capability", cap >= 0 && cap < Linux.CAPABILITIES.size() ? Linux.CAPABILITIES.get(cap) : "cap" + cap);
            }
            case Layout.T_NET -> network(le, body, ev);
            case Layout.T_PTRACE -> {
                ev.put("operation", "Ptrace");
                int perm = le.getInt(body);
                ev.put("permission", perm == 0x2 ? "trace" : perm == 0x4 ? "read" : perm == 0x8 ? "traceby" : "readby");
                ev.put("external", le.getInt(body + 4) != 0);
                ev.put("peer", Integer.toUnsignedLong(le.getInt(body + 8)));
            }
            case Layout.T_USERNS -> ev.put("operation", "UserNamespace");
            default -> ev.put("operation", "type " + h.type());
        }
        ev.put("comm", comm);
        long epochNanos = bootEpochNanos + h.ktime();
        Instant at = Instant.ofEpochSecond(0, epochNanos);
        String rule = null;
        if (h.rule() > 0) {
            rule = rules != null && h.rule() <= rules.size() ? rules.get(h.rule() - 1) : "bpf-rule#" + h.rule();
        }
        Map<String, String> a = target == null ? Map.of() : target.attributes();
        return new ViolationEvent("warn", null, a.get("nodeName"), a.get("podUID"), a.get("podName"), a.get("podNamespace"),
                a.get("containerID"), a.get("containerName"), a.get("image"), h.tgid(), h.mntNs(), at.getEpochSecond(),
                "BPF", action(h.action()), target == null ? null : target.profileName(), a.get("policyKind"),
                a.get("policyName"), a.get("policyNamespace"), rule, ev, at.toString(), "violation event");
    }

    static String action(int a) {
        return switch (a) {
            case Layout.A_DENIED -> "DENIED";
            case Layout.A_AUDIT -> "AUDIT";
            default -> "ALLOWED";
        };
    }

    static List<String> permissions(int aa) {
        List<String> out = new ArrayList<>();
        if ((aa & 0x4) != 0) {
            out.add("read");
        }
        if ((aa & 0x2) != 0) {
            out.add("write");
        }
        if ((aa & 0x8) != 0) {
            out.add("append");
        }
        if ((aa & 0x1) != 0) {
            out.add("exec");
        }
        if ((aa & 0x80) != 0) {
            out.add("rename");
        }
        if ((aa & 0x40000) != 0) {
            out.add("link");
        }
        return out;
    }

    static List<String> mountFlags(long flags) {
        List<String> out = new ArrayList<>();
        MOUNT_FLAG_NAMES.forEach((bit, name) -> {
            if ((flags & bit) != 0) {
                out.add(name);
            }
        });
        return out;
    }

    private static void network(ByteBuffer le, int body, Map<String, Object> ev) {
        ev.put("operation", "Network");
        int op = le.getInt(body);
        ev.put("type", op == 2 ? "socket" : op == 3 ? "sendmsg" : "connect");
        if (op == 2) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("domain", domain(le.getInt(body + 4)));
            s.put("type", socketType(le.getInt(body + 8)));
            s.put("protocol", protocol(le.getInt(body + 12)));
            ev.put("socket", s);
        } else {
            int family = le.getShort(body + 16) & 0xffff;
            int port = le.getShort(body + 18) & 0xffff;
            byte[] addr = new byte[family == Linux.AF_INET ? 4 : 16];
            le.get(body + 20, addr);
            Map<String, Object> a = new LinkedHashMap<>();
            try {
                a.put("ip", InetAddress.getByAddress(addr).getHostAddress());
            } catch (UnknownHostException e) {
                a.put("ip", "?");
            }
            a.put("port", port);
            ev.put("address", a);
        }
    }

    static String domain(int d) {
        for (Map.Entry<String, Integer> e : Linux.DOMAINS.entrySet()) {
            if (e.getValue() == d) {
                return "AF_" + e.getKey().toUpperCase();
            }
        }
        return "AF_" + d;
    }

    static String socketType(int t) {
        for (Map.Entry<String, Integer> e : Linux.SOCKET_TYPES.entrySet()) {
            if (e.getValue() == t) {
                return "SOCK_" + e.getKey().toUpperCase();
            }
        }
        return "SOCK_" + t;
    }

    static String protocol(int p) {
        return switch (p) {
            case 0 -> "IPPROTO_IP";
            case 1 -> "IPPROTO_ICMP";
            case 6 -> "IPPROTO_TCP";
            case 17 -> "IPPROTO_UDP";
            case 58 -> "IPPROTO_ICMPV6";
            default -> "IPPROTO_" + p;
        };
    }

    /** The number of a domain as {@link #domain} names it ({@code AF_INET}, {@code AF_12}), or -1. */
    static int domainNumber(String name) {
        return number(name, "AF_", Linux.DOMAINS);
    }

    /** The number of a socket type as {@link #socketType} names it, or -1. */
    static int socketTypeNumber(String name) {
        return number(name, "SOCK_", Linux.SOCKET_TYPES);
    }

    /** The number of a protocol as {@link #protocol} names it, or -1. */
    static int protocolNumber(String name) {
        if (name == null || !name.startsWith("IPPROTO_")) {
            return -1;
        }
        return switch (name) {
            case "IPPROTO_IP" -> 0;
            case "IPPROTO_ICMP" -> 1;
            case "IPPROTO_TCP" -> 6;
            case "IPPROTO_UDP" -> 17;
            case "IPPROTO_ICMPV6" -> 58;
            default -> number(name, "IPPROTO_", Map.of());
        };
    }

    private static int number(String name, String prefix, Map<String, Integer> names) {
        if (name == null || !name.startsWith(prefix)) {
            return -1;
        }
        String rest = name.substring(prefix.length());
        Integer known = names.get(rest.toLowerCase());
        if (known != null) {
            return known;
        }
        try {
            return Integer.parseInt(rest);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String cString(ByteBuffer b, int off, int max) {
        int len = 0;
        while (len < max && off + len < b.limit() && b.get(off + len) != 0) {
            len++;
        }
        byte[] s = new byte[len];
        b.get(off, s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
