package io.varmor.bpf.kernel;

import io.varmor.bpf.BpfTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One profile's {@link BpfTables} as kernel map elements (pure): the {@code v_profiles} value, the path tries, pairs and
 * chains, socket keys, egress CIDR nodes and mount classes, all keyed by the profile id, plus the rule list that maps the
 * rule references in events back to rule ids.
 */
public final class ProfileImage {
    /** Placeholder the catalogue uses for the node's disk devices (expanded from /proc/partitions). */
    public static final String DISK_DEVICES = "@{varmor_disk_devices}";
    /** Synthetic rule ids. */
    public static final String EXEC_UNLINKED = "varmor:exec-unlinked-file", UNRESOLVED = "varmor:unresolvable-path";

    private final int id;
    private final BpfTables t;
    private final List<String> disks;
    private final List<String> rules = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private final Le profile = new Le(Layout.PROFILE);
    private long kindFlags;
    private int maxSfx;

    /**
     * The built image.
     *
     * @param id           profile id
     * @param profileValue struct va_profile
     * @param entries      every other element, in a safe write order
     * @param rules        rule id (origin) of rule reference i + 1
     */
    public record Built(int id, byte[] profileValue, List<Entry> entries, List<String> rules) {}

    private ProfileImage(int id, BpfTables t, List<String> disks) {
        this.id = id;
        this.t = t;
        this.disks = disks;
    }

    /**
     * @param id          profile id, 1 .. 2^24-1
     * @param tables      the compiled profile
     * @param contentHash SHA-256 of the profile content (its first 16 bytes are stored for adoption)
     * @param diskDevices device names for {@link #DISK_DEVICES}, e.g. {@code sda}, {@code nvme0n1}
     * @throws TableException when the profile does not fit the kernel's per-profile limits
     */
    public static Built build(int id, BpfTables tables, byte[] contentHash, List<String> diskDevices) {
        if (id <= 0 || id >= (1 << 24)) {
            throw new IllegalArgumentException("profile id out of range: " + id);
        }
        ProfileImage b = new ProfileImage(id, tables, diskDevices);
        b.run(contentHash);
        return new Built(id, b.profile.array(), List.copyOf(b.entries), List.copyOf(b.rules));
    }

    /** Reference of a new rule row: index + 1, with the audit bit when the mode audits. */
    private int ref(String rule, int mode) {
        rules.add(rule);
        if (rules.size() > Layout.RULE_MASK) {
            throw new TableException("more than " + Layout.RULE_MASK + " rules in one profile");
        }
        return rules.size() | ((mode & BpfTables.AUDIT) != 0 ? Layout.RULE_AUDIT : 0);
    }

    private static boolean denies(int mode) {
        return (mode & BpfTables.DENY) != 0;
    }

    /**
     * How a row's mode is stored: an allow-list entry takes the deny slot of what it matches (the kernel reads the slot
     * as "covered"), without the audit bit.
     */
    private static int stored(int mode) {
        return (mode & BpfTables.ALLOW) != 0 ? BpfTables.DENY : mode;
    }

    private static BpfTables.PathRow stored(BpfTables.PathRow r) {
        return (r.mode() & BpfTables.ALLOW) == 0 ? r
                : new BpfTables.PathRow(r.match(), r.prefix(), r.suffix(), r.components(), r.permissions(), stored(r.mode()), r.rule());
    }

    private void run(byte[] hash) {
        profile.u32(Layout.PR_MODE, "complain".equals(t.mode()) ? Layout.COMPLAIN : Layout.ENFORCE);
        int firstExecDeny = 0;
        boolean anyPath = false;
        int pathAudit = 0;
        PathTables files = new PathTables(hdr(Layout.K_FILE), true);
        for (BpfTables.PathRow row : expand(t.files())) {
            BpfTables.PathRow r = stored(row);
            files.add(pathRule(r, filePerms(r.permissions()), ref(r.rule(), r.mode())));
        }
        PathTables exec = new PathTables(hdr(Layout.K_EXEC), false);
        for (BpfTables.PathRow row : expand(t.processes())) {
            BpfTables.PathRow r = stored(row);
            int ref = ref(r.rule(), r.mode());
            exec.add(pathRule(r, Layout.P_EXEC, ref));
            if (denies(r.mode()) && firstExecDeny == 0 && !t.isAllowList()) {
                firstExecDeny = r.mode();
            }
        }
        PathTables umounts = new PathTables(hdr(Layout.K_UMOUNT), false);
        for (BpfTables.PathRow r : expand(t.umounts())) {
            umounts.add(pathRule(r, Layout.P_EXEC, ref(r.rule(), r.mode())));
        }
        for (PathTables pt : List.of(files, exec, umounts)) {
            anyPath |= !pt.isEmpty();
        }
        kind(Layout.K_FILE, files);
        kind(Layout.K_EXEC, exec);
        kind(Layout.K_UMOUNT, umounts);
        anyPath |= mounts();
        for (List<BpfTables.PathRow> l : List.of(t.files(), t.processes(), t.umounts())) {
            for (BpfTables.PathRow r : l) {
                pathAudit |= r.mode() & BpfTables.AUDIT;
            }
        }
        capabilities();
        ptrace();
        profile.u32(Layout.PR_USERNS, flagRows(t.userns()));
        if (firstExecDeny != 0) {
            int r = ref(EXEC_UNLINKED, firstExecDeny);
            profile.u32(Layout.PR_EXEC_UNLINKED, r);
        }
        if (anyPath) {
            int r = ref(UNRESOLVED, BpfTables.DENY | BpfTables.AUDIT | pathAudit);
            profile.u32(Layout.PR_PATH_GUARD, r);
        }
        if (t.isAllowList()) {
            int r = ref(io.varmor.bpf.BpfCompiler.OUTSIDE_ALLOW_LIST, BpfTables.DENY | BpfTables.AUDIT);
            profile.u32(Layout.PR_ALLOW, Layout.AL_FILE | Layout.AL_EXEC | Layout.AL_SOCK);
            profile.u32(Layout.PR_ALLOW_REF, r);
            profile.u32(Layout.PR_EXEC_UNLINKED, r);
            profile.u32(Layout.PR_PATH_GUARD, r);
        }
        List<BpfTables.SocketRow> sockets = t.sockets().stream().map(r -> new BpfTables.SocketRow(r.domains(), r.types(),
                r.protocols(), r.impliedProtocol(), stored(r.mode()), r.rule())).toList();
        profile.u32(Layout.PR_SOCK_DIMS, SocketTables.build(id, sockets, this::ref, entries));
        profile.u32(Layout.PR_EGRESS, EgressTables.build(id, t.egress(), this::ref, entries));
        profile.u64(Layout.PR_KIND_FLAGS, kindFlags);
        profile.u32(Layout.PR_MAX_SFX, maxSfx);
        byte[] h = new byte[16];
        if (hash != null) {
            System.arraycopy(hash, 0, h, 0, Math.min(16, hash.length));
        }
        profile.bytes(Layout.PR_HASH, h);
    }

    private int hdr(int kind) {
        return (id << 8) | kind;
    }

    private void kind(int kind, PathTables pt) {
        PathTables.Built b = pt.build();
        entries.addAll(b.entries());
        kindFlags |= (long) b.kflags() << (8 * kind);
        maxSfx = Math.max(maxSfx, b.maxSuffix());
    }

    /** Mount rules grouped into classes of equal fstype and flags; each class has its own source tries. */
    private boolean mounts() {
        Map<String, PathTables> classes = new LinkedHashMap<>();
        Map<String, BpfTables.MountRow> first = new LinkedHashMap<>();
        for (BpfTables.MountRow m : t.mounts()) {
            String key = m.fstype() + "\u0000" + m.flags() + "\u0000" + m.reverseFlags() + "\u0000" + m.newMountsOnly();
            if (!classes.containsKey(key) && classes.size() == Layout.MAX_MOUNT_CLASSES) {
                throw new TableException("more than " + Layout.MAX_MOUNT_CLASSES + " distinct fstype/flags combinations in"
                        + " the mount rules (table " + Layout.MCLASS + ")");
            }
            int c = classes.size();
            PathTables pt = classes.computeIfAbsent(key, k -> new PathTables(hdr(Layout.K_MOUNT0 + c), false));
            first.putIfAbsent(key, m);
            int ref = ref(m.rule(), m.mode());
            BpfTables.PathRow src = new BpfTables.PathRow(m.match(), m.prefix(), m.suffix(), null, 0, m.mode(), m.rule());
            for (BpfTables.PathRow r : expand(List.of(src))) {
                pt.add(pathRule(r, Layout.P_EXEC, ref));
            }
        }
        int c = 0;
        for (Map.Entry<String, PathTables> e : classes.entrySet()) {
            PathTables.Built b = e.getValue().build();
            entries.addAll(b.entries());
            maxSfx = Math.max(maxSfx, b.maxSuffix());
            BpfTables.MountRow m = first.get(e.getKey());
            byte[] fs = new byte[16];
            byte[] name = m.fstype().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (name.length > 15) {
                throw new TableException("fstype \"" + m.fstype() + "\" is longer than 15 bytes");
            }
            System.arraycopy(name, 0, fs, 0, name.length);
            byte[] key = new Le(Layout.MCLASS_KEY).u32(0, id).u32(4, c).array();
            byte[] value = new Le(Layout.MCLASS_SIZE).bytes(0, fs).u64(16, m.flags()).u64(24, m.reverseFlags())
                    .u32(32, m.newMountsOnly() ? 1 : 0).u32(36, b.kflags()).array();
            entries.add(new Entry(Layout.MCLASS, key, value));
            c++;
        }
        profile.u32(Layout.PR_MOUNT_CLASSES, c);
        return c > 0;
    }

    private void capabilities() {
        long deny = 0;
        long audit = 0;
        int[] rule = new int[64];
        for (BpfTables.CapRow c : t.capabilities()) {
            int ref = ref(c.rule(), c.mode());
            for (int bit = 0; bit < 64; bit++) {
                if ((c.mask() & (1L << bit)) == 0) {
                    continue;
                }
                if (denies(c.mode())) {
                    if ((deny & (1L << bit)) == 0 || ((rule[bit] & Layout.RULE_AUDIT) == 0 && (ref & Layout.RULE_AUDIT) != 0)) {
                        rule[bit] = ref;
                    }
                    deny |= 1L << bit;
                    audit &= ~(1L << bit);
                } else if ((deny & (1L << bit)) == 0 && (audit & (1L << bit)) == 0) {
                    rule[bit] = ref;
                    audit |= 1L << bit;
                }
            }
        }
        profile.u64(Layout.PR_CAP_DENY, deny).u64(Layout.PR_CAP_AUDIT, audit);
        for (int bit = 0; bit < 64; bit++) {
            profile.u16(Layout.PR_CAP_RULE + 2 * bit, rule[bit]);
        }
    }

    private void ptrace() {
        int[] deny = new int[8];
        int[] audit = new int[8];
        for (BpfTables.PtraceRow p : t.ptrace()) {
            int ref = ref(p.rule(), p.mode());
            int[] bits = {0x2, 0x4, 0x8, 0x10};
            for (int perm = 0; perm < 4; perm++) {
                if ((p.permissions() & bits[perm]) == 0) {
                    continue;
                }
                int slot = perm * 2 + (p.strict() ? 0 : 1);
                take(deny, audit, slot, ref, denies(p.mode()));
            }
        }
        for (int i = 0; i < 8; i++) {
            profile.u32(Layout.PR_PTRACE + 4 * i, (deny[i] & 0xffffL) | ((long) audit[i] << 16));
        }
    }

    private int flagRows(List<BpfTables.FlagRow> rows) {
        int[] deny = new int[1];
        int[] audit = new int[1];
        for (BpfTables.FlagRow r : rows == null ? List.<BpfTables.FlagRow>of() : rows) {
            take(deny, audit, 0, ref(r.rule(), r.mode()), denies(r.mode()));
        }
        return (deny[0] & 0xffff) | (audit[0] << 16);
    }

    static void take(int[] deny, int[] audit, int slot, int ref, boolean denies) {
        if (denies) {
            if (deny[slot] == 0 || ((deny[slot] & Layout.RULE_AUDIT) == 0 && (ref & Layout.RULE_AUDIT) != 0)) {
                deny[slot] = ref;
            }
        } else if (audit[slot] == 0) {
            audit[slot] = ref;
        }
    }

    /** Rows whose pattern names the node's disk devices become one exact row per device. */
    private List<BpfTables.PathRow> expand(List<BpfTables.PathRow> rows) {
        List<BpfTables.PathRow> out = new ArrayList<>();
        for (BpfTables.PathRow r : rows) {
            if (r.prefix() != null && r.prefix().contains(DISK_DEVICES)) {
                for (String d : disks) {
                    out.add(new BpfTables.PathRow(r.match(), r.prefix().replace(DISK_DEVICES, d),
                            r.suffix() == null ? null : r.suffix().replace(DISK_DEVICES, d), r.components(),
                            r.permissions(), r.mode(), r.rule()));
                }
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private static PathRule pathRule(BpfTables.PathRow r, int perms, int ref) {
        boolean deny = (r.mode() & BpfTables.DENY) != 0;
        String p = r.prefix() == null ? "" : r.prefix();
        String s = r.suffix() == null ? "" : r.suffix();
        return switch (r.match()) {
            case "exact" -> new PathRule(ref, deny, perms, PathRule.Shape.EXACT, p, "", null);
            case "prefix" -> new PathRule(ref, deny, perms, PathRule.Shape.PREFIX, p, "", null);
            case "suffix" -> new PathRule(ref, deny, perms, PathRule.Shape.SUFFIX, p, s, null);
            case "prefix-suffix" -> new PathRule(ref, deny, perms, PathRule.Shape.PREFIX_SUFFIX, p, s, null);
            case "chain" -> new PathRule(ref, deny, perms, PathRule.Shape.CHAIN, p, s, r.components().get(0));
            case "basename" -> new PathRule(ref, deny, perms, PathRule.Shape.BASENAME, p, s, null);
            default -> throw new TableException("unknown path match \"" + r.match() + "\"");
        };
    }

    /** AppArmor permission bits to the kernel's decision slots. */
    static int filePerms(int aa) {
        int p = 0;
        if ((aa & 0x1) != 0) {
            p |= Layout.P_EXEC;
        }
        if ((aa & 0x2) != 0) {
            p |= Layout.P_WRITE;
        }
        if ((aa & 0x4) != 0) {
            p |= Layout.P_READ;
        }
        if ((aa & 0x8) != 0) {
            p |= Layout.P_APPEND;
        }
        if ((aa & 0x40000) != 0) {
            p |= Layout.P_LINK;
        }
        return p;
    }
}
