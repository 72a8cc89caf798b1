package io.varmor.core.ir;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Linux constants the IR speaks in: capability numbers, socket families/types/protocols, mount flags. */
public final class Linux {
    private Linux() {}

    /** Capability names (lower-case, underscore) in bit order 0..40. */
    public static final List<String> CAPABILITIES = List.of(
            "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
            "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
            "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
            "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
            "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf",
            "checkpoint_restore");

    public static int capability(String name) {
        int i = CAPABILITIES.indexOf(name.toLowerCase().replace('-', '_'));
        if (i < 0) {
            throw new IllegalArgumentException("unknown capability " + name);
        }
        return i;
    }

    /** Address families by vArmor's names. */
    public static final Map<String, Integer> DOMAINS = ordered(
            "unix", 1, "inet", 2, "ax25", 3, "ipx", 4, "appletalk", 5, "netrom", 6, "bridge", 7, "atmpvc", 8, "x25", 9,
            "inet6", 10, "rose", 11, "netbeui", 13, "security", 14, "key", 15, "netlink", 16, "packet", 17, "ash", 18,
            "econet", 19, "atmsvc", 20, "rds", 21, "sna", 22, "irda", 23, "pppox", 24, "wanpipe", 25, "llc", 26,
            "ib", 27, "mpls", 28, "can", 29, "tipc", 30, "bluetooth", 31, "iucv", 32, "rxrpc", 33, "isdn", 34,
            "phonet", 35, "ieee802154", 36, "caif", 37, "alg", 38, "nfc", 39, "vsock", 40, "kcm", 41, "qipcrtr", 42,
            "smc", 43, "xdp", 44, "mctp", 45);

    /** Socket types by name. */
    public static final Map<String, Integer> SOCKET_TYPES = ordered(
            "stream", 1, "dgram", 2, "raw", 3, "rdm", 4, "seqpacket", 5, "dccp", 6, "packet", 10);

    /** Protocols by vArmor's names; icmp stands for ICMP and ICMPv6. */
    public static final Map<String, List<Integer>> PROTOCOLS = Map.of(
            "icmp", List.of(1, 58), "tcp", List.of(6), "udp", List.of(17));

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_ALG = 38;
    public static final int MAX_DOMAIN = 45;

    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
            MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOATIME = 1024, MS_NODIRATIME = 2048,
            MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768, MS_UNBINDABLE = 1 << 17,
            MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21,
            MS_I_VERSION = 1 << 23, MS_STRICTATIME = 1 << 24;

    /** Bind, remount, move and propagation changes: everything that is not a new mount. */
    public static final long MS_NOT_NEW = MS_BIND | MS_REMOUNT | MS_MOVE | MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED;

    /** Mount flag names (vArmor's, from AppArmor's list) to bits; "reverse" names match when the bit is absent. */
    public static final Map<String, Long> MOUNT_FLAGS = new TreeMap<>(Map.ofEntries(
            Map.entry("ro", MS_RDONLY), Map.entry("r", MS_RDONLY), Map.entry("read-only", MS_RDONLY),
            Map.entry("nosuid", MS_NOSUID), Map.entry("nodev", MS_NODEV), Map.entry("noexec", MS_NOEXEC),
            Map.entry("sync", MS_SYNCHRONOUS), Map.entry("remount", MS_REMOUNT), Map.entry("mand", MS_MANDLOCK),
            Map.entry("dirsync", MS_DIRSYNC), Map.entry("noatime", MS_NOATIME), Map.entry("nodiratime", MS_NODIRATIME),
            Map.entry("bind", MS_BIND), Map.entry("B", MS_BIND), Map.entry("move", MS_MOVE), Map.entry("M", MS_MOVE),
            Map.entry("rbind", MS_BIND | MS_REC), Map.entry("R", MS_BIND | MS_REC), Map.entry("silent", MS_SILENT),
            Map.entry("make-unbindable", MS_UNBINDABLE), Map.entry("unbindable", MS_UNBINDABLE),
            Map.entry("make-private", MS_PRIVATE), Map.entry("private", MS_PRIVATE),
            Map.entry("make-slave", MS_SLAVE), Map.entry("slave", MS_SLAVE),
            Map.entry("make-shared", MS_SHARED), Map.entry("shared", MS_SHARED),
            Map.entry("make-runbindable", MS_UNBINDABLE | MS_REC), Map.entry("make-rprivate", MS_PRIVATE | MS_REC),
            Map.entry("make-rslave", MS_SLAVE | MS_REC), Map.entry("make-rshared", MS_SHARED | MS_REC),
            Map.entry("relatime", MS_RELATIME), Map.entry("iversion", MS_I_VERSION),
            Map.entry("strictatime", MS_STRICTATIME)));

    public static final Map<String, Long> REVERSE_MOUNT_FLAGS = new TreeMap<>(Map.ofEntries(
            Map.entry("rw", MS_RDONLY), Map.entry("w", MS_RDONLY), Map.entry("suid", MS_NOSUID),
            Map.entry("dev", MS_NODEV), Map.entry("exec", MS_NOEXEC), Map.entry("async", MS_SYNCHRONOUS),
            Map.entry("nomand", MS_MANDLOCK), Map.entry("atime", MS_NOATIME), Map.entry("diratime", MS_NODIRATIME),
            Map.entry("loud", MS_SILENT), Map.entry("norelatime", MS_RELATIME), Map.entry("noiversion", MS_I_VERSION),
            Map.entry("nostrictatime", MS_STRICTATIME)));

    private static Map<String, Integer> ordered(Object... kv) {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Integer) kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
