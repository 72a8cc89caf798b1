package io.varmor.bpf;

import io.varmor.core.ir.Disposition;
import io.varmor.core.ir.FilePerm;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.PathPattern;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.ir.PortRange;
import io.varmor.core.ir.PtracePerm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** IR → {@link BpfTables}. Pure and deterministic. */
public final class BpfCompiler {
    /** Longest literal (exact path, prefix, suffix) a path row can hold: the kernel's LPM key. */
    public static final int MAX_LITERAL = io.varmor.bpf.kernel.Layout.KEY_PATH;

    private BpfCompiler() {}

    /** Why a path pattern cannot be a BPF row, or empty when it can. */
    public static Optional<String> unsupportedPattern(PathPattern p) {
        PathPattern.Shape shape = p.shape();
        if (shape == PathPattern.Shape.GENERAL && basename(p) == null) {
            return Optional.of("BPF cannot express the pattern \"" + p.glob()
                    + "\" (supported: exact, P**, **S, P**S, P**/C/**S with one whole component C, and P*S on file names)");
        }
        if (shape == PathPattern.Shape.CHAIN && p.components().size() != 1) {
            return Optional.of("BPF cannot express the pattern \"" + p.glob() + "\": it names " + p.components().size()
                    + " components between wildcards (one is supported)");
        }
        String[] ps = literals(p);
        for (String lit : ps) {
            if (lit.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LITERAL) {
                return Optional.of("pattern \"" + p.glob() + "\" has a literal part longer than " + MAX_LITERAL + " bytes");
            }
        }
        return Optional.empty();
    }

    private static String[] literals(PathPattern p) {
        String[] b = basename(p);
        if (b != null) {
            return b;
        }
        return p.shape() == PathPattern.Shape.CHAIN
                ? new String[] {p.prefix(), p.suffix(), p.components().get(0)}
                : new String[] {p.prefix(), p.suffix()};
    }

    /**
     * {prefix, suffix} of a file-name pattern: {@code P*S} (no slash) or {@code **}{@code /P*S} (how the IR spells
     * vArmor's {@code P*S}); null for other patterns.
     */
    static String[] basename(PathPattern p) {
        String g = p.glob();
        if (g.startsWith("**/")) {
            g = g.substring(3);
        } else if (p.shape() != PathPattern.Shape.BASENAME) {
            return null;
        }
        int star = g.indexOf('*');
        if (g.indexOf('/') >= 0 || star < 0 || star != g.lastIndexOf('*')) {
            return null;
        }
        return new String[] {g.substring(0, star), g.substring(star + 1)};
    }

    public static BpfTables compile(PolicyIR ir) {
        if (ir.base() == PolicyIR.Base.ALLOW_LIST) {
            return allowList(ir);
        }
        List<BpfTables.CapRow> caps = new ArrayList<>();
        List<BpfTables.FlagRow> userns = new ArrayList<>();
        List<BpfTables.PathRow> files = new ArrayList<>();
        List<BpfTables.PathRow> processes = new ArrayList<>();
        List<BpfTables.SocketRow> sockets = new ArrayList<>();
        List<BpfTables.EgressRow> egress = new ArrayList<>();
        List<BpfTables.PtraceRow> ptrace = new ArrayList<>();
        List<BpfTables.MountRow> mounts = new ArrayList<>();
        List<BpfTables.PathRow> umounts = new ArrayList<>();
        if (ir.base() == PolicyIR.Base.RUNTIME_DEFAULT) {
            int m = mode(ir.baseDisposition());
            if (m != 0) {
                for (String g : List.of("/proc/sysrq-trigger", "/proc/**/mem", "/proc/kmem", "/proc/kcore", "/sys/firmware/**",
                        "/sys/devices/virtual/powercap/**", "/sys/kernel/security/**")) {
                    files.add(path(PathPattern.of(g), 0x4 | 0x2 | 0x8, m, "runtime-default"));
                }
                mounts.add(new BpfTables.MountRow("prefix", "", null, "*", 0, 0, false, m, "runtime-default"));
                ptrace.add(new BpfTables.PtraceRow(0x2 | 0x4, false, m, "runtime-default"));
            }
        }
        for (IrRule r : ir.rules()) {
            int m = mode(r.disposition());
            if (m == 0 || !r.targets().isEmpty()) {
                continue;
            }
            if (r instanceof IrRule.File f) {
                files.add(path(f.pattern(), perms(f), m, f.origin()));
            } else if (r instanceof IrRule.Exec e) {
                processes.add(path(e.pattern(), 0x1, m, e.origin()));
            } else if (r instanceof IrRule.Capability c) {
                long mask = 0;
                for (int cap : c.caps()) {
                    mask |= 1L << cap;
                }
                caps.add(new BpfTables.CapRow(mask, m, c.origin()));
            } else if (r instanceof IrRule.UserNamespaceCreate u) {
                userns.add(new BpfTables.FlagRow(m, u.origin()));
            } else if (r instanceof IrRule.Socket s) {
                sockets.add(new BpfTables.SocketRow(mask(s.domains()), mask(s.types()), mask(s.protocols()),
                        s.protocolsImplied(), m, s.origin()));
            } else if (r instanceof IrRule.Connect c) {
                for (List<int[]> ports : portGroups(c.ports())) {
                    egress.add(new BpfTables.EgressRow(c.cidr(), c.podSelf() ? Boolean.TRUE : null, c.service(),
                            ports.isEmpty() ? null : ports, m, c.origin()));
                }
            } else if (r instanceof IrRule.Ptrace p) {
                int bits = 0;
                for (PtracePerm perm : p.perms()) {
                    bits |= switch (perm) {
                        case TRACE -> 0x2;
                        case READ -> 0x4;
                        case TRACEBY -> 0x8;
                        case READBY -> 0x10;
                    };
                }
                ptrace.add(new BpfTables.PtraceRow(bits, p.strict(), m, p.origin()));
            } else if (r instanceof IrRule.Mount mt) {
                BpfTables.PathRow src = path(mt.source(), 0, m, mt.origin());
                mounts.add(new BpfTables.MountRow(src.match(), src.prefix(), src.suffix(), mt.fstype(), mt.flags(),
                        mt.reverseFlags(), mt.newMountsOnly(), m, mt.origin()));
            } else if (r instanceof IrRule.Umount u) {
                umounts.add(path(u.path(), 0x200, m, u.origin()));
            }
        }
        return new BpfTables(2, ir.profileName(), ir.complain() ? "complain" : "enforce", caps, files, processes, sockets,
                egress, ptrace, mounts, umounts, userns);
    }

    /** Rule id of the rows that deny what an allow-list leaves out, and of allow-list denials in events. */
    public static final String OUTSIDE_ALLOW_LIST = io.varmor.core.model.ModelPolicies.OUTSIDE_ALLOW_LIST;
    /** Rule id of allow-list entries (they are never reported). */
    static final String ALLOW_ENTRY = "varmor:allow-list";

    /**
     * A DefenseInDepth profile: the BPF allow-list of the policy (executions, files with permissions, socket kinds as
     * ALLOW rows; capabilities and ptrace as the complement of what it allows; every mount, umount and user-namespace
     * creation denied). Everything refused is reported with {@link #OUTSIDE_ALLOW_LIST}.
     */
    static BpfTables allowList(PolicyIR ir) {
        io.varmor.api.model.BpfResult a = ir.defense() == null ? null : ir.defense().bpfAllowList();
        if (a == null) {
            throw new IllegalArgumentException("DefenseInDepth with profileType BehaviorModel takes the allow-list of a"
                    + " completed ArmorProfileModel, which the operator fills in (cluster mode with --enableBehaviorModeling);"
                    + " locally, use the policy `varmor model --enforcer BPF` writes (profileType Custom)");
        }
        int deny = BpfTables.DENY | BpfTables.AUDIT;
        java.util.Map<String, Integer> filePerms = new java.util.TreeMap<>();
        for (io.varmor.api.model.FileAccess f : nz(a.files())) {
            int bits = 0;
            for (String perm : io.varmor.core.model.ModelPolicies.allowedByEntry(f.permissions())) {
                bits |= switch (perm) {
                    case "read" -> 0x4;
                    case "write" -> 0x2;
                    default -> 0x8; // append
                };
            }
            if (bits != 0 && f.path() != null) {
                final int b = bits;
                allowPattern(f.path()).ifPresent(pat -> filePerms.merge(pat.glob(), b, (x, y) -> x | y));
            }
        }
        List<BpfTables.PathRow> files = new ArrayList<>();
        filePerms.forEach((g, bits) -> files.add(path(PathPattern.of(g), bits, BpfTables.ALLOW, ALLOW_ENTRY)));
        java.util.TreeSet<String> execs = new java.util.TreeSet<>();
        for (String e : nz(a.executions())) {
            allowPattern(e).ifPresent(pat -> execs.add(pat.glob()));
        }
        List<BpfTables.PathRow> processes = new ArrayList<>();
        for (String g : execs) {
            processes.add(path(PathPattern.of(g), 0x1, BpfTables.ALLOW, ALLOW_ENTRY));
        }
        List<BpfTables.SocketRow> sockets = new ArrayList<>();
        if (a.network() != null) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (io.varmor.api.model.SocketUse u : nz(a.network().sockets())) {
                int d = BpfEventDecoder.domainNumber(u.domain());
                int t = BpfEventDecoder.socketTypeNumber(u.type());
                int p = BpfEventDecoder.protocolNumber(u.protocol());
                if (d < 0 || d >= 64 || t < 0 || t >= 64 || !seen.add(d + "/" + t + "/" + p)) {
                    continue; // an unknown kind stays refused
                }
                sockets.add(new BpfTables.SocketRow(1L << d, 1L << t, p > 0 && p < 64 ? 1L << p : 0, false,
                        BpfTables.ALLOW, ALLOW_ENTRY));
            }
        }
        long allowedCaps = 0;
        for (String c : nz(a.capabilities())) {
            int i = io.varmor.core.ir.Linux.CAPABILITIES.indexOf(c.toLowerCase().replace("cap_", ""));
            if (i >= 0) {
                allowedCaps |= 1L << i;
            }
        }
        List<BpfTables.CapRow> caps = new ArrayList<>();
        if (~allowedCaps != 0) {
            caps.add(new BpfTables.CapRow(~allowedCaps, deny, OUTSIDE_ALLOW_LIST));
        }
        List<BpfTables.PtraceRow> ptrace = new ArrayList<>();
        for (String[] perm : new String[][] {{"trace", "2"}, {"read", "4"}}) {
            boolean internal = false;
            boolean external = false;
            for (io.varmor.api.model.BpfPtrace pt : nz(a.ptraces())) {
                if (nz(pt.permissions()).contains(perm[0])) {
                    external |= Boolean.TRUE.equals(pt.external());
                    internal |= !Boolean.TRUE.equals(pt.external());
                }
            }
            if (!external) { // strict: also inside the container, unless that was recorded
                ptrace.add(new BpfTables.PtraceRow(Integer.parseInt(perm[1]), !internal, deny, OUTSIDE_ALLOW_LIST));
            }
        }
        List<BpfTables.MountRow> mounts = List.of(new BpfTables.MountRow("prefix", "", null, "*", 0, 0, false, deny,
                OUTSIDE_ALLOW_LIST));
        List<BpfTables.PathRow> umounts = List.of(path(PathPattern.of("/**"), 0x200, deny, OUTSIDE_ALLOW_LIST));
        List<BpfTables.FlagRow> userns = List.of(new BpfTables.FlagRow(deny, OUTSIDE_ALLOW_LIST));
        return new BpfTables(2, ir.profileName(), ir.complain() ? "complain" : "enforce", caps, files, processes, sockets,
                List.of(), ptrace, mounts, umounts, userns, Boolean.TRUE);
    }

    private static <T> List<T> nz(List<T> l) {
        return l == null ? List.of() : l;
    }

    /**
     * A recorded path (possibly generalised) as a pattern BPF can hold: itself when it can; otherwise widened to
     * {@code P**S} (P up to its first wildcard, S after its last), then to {@code P**} at a component boundary; empty
     * when not even that fits (the path stays refused).
     */
    public static Optional<PathPattern> allowPattern(String glob) {
        try {
            PathPattern p = PathPattern.of(glob);
            if (unsupportedPattern(p).isEmpty()) {
                return Optional.of(p);
            }
            int first = firstOf(glob, "*?[{");
            int last = lastOf(glob, "*?]}");
            String pre = first < 0 ? glob : glob.substring(0, first);
            String suf = last < 0 ? "" : glob.substring(last + 1);
            if (first >= 0) {
                PathPattern w = PathPattern.of(pre + "**" + suf);
                if (unsupportedPattern(w).isEmpty()) {
                    return Optional.of(w);
                }
            }
            byte[] b = pre.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int cut = Math.min(b.length, MAX_LITERAL);
            String head = new String(b, 0, cut, java.nio.charset.StandardCharsets.UTF_8);
            int slash = head.lastIndexOf('/');
            if (slash < 0) {
                return Optional.empty();
            }
            PathPattern w = PathPattern.of(head.substring(0, slash + 1) + "**");
            return unsupportedPattern(w).isEmpty() ? Optional.of(w) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static int firstOf(String s, String chars) {
        int best = -1;
        for (char c : chars.toCharArray()) {
            int i = s.indexOf(c);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    private static int lastOf(String s, String chars) {
        int best = -1;
        for (char c : chars.toCharArray()) {
            best = Math.max(best, s.lastIndexOf(c));
        }
        return best;
    }

    /** vArmor's grouping: single ports 16 to a row, each range a row of its own; no ports = one row for all ports. */
    static List<List<int[]>> portGroups(List<PortRange> ports) {
        List<List<int[]>> out = new ArrayList<>();
        List<int[]> singles = new ArrayList<>();
        List<List<int[]>> ranges = new ArrayList<>();
        for (PortRange p : ports) {
            if (p.from() != p.to()) {
                ranges.add(List.of(new int[] {p.from(), p.to()}));
            } else if (singles.stream().noneMatch(x -> x[0] == p.from())) {
                singles.add(new int[] {p.from(), p.to()});
            }
        }
        for (int i = 0; i < singles.size(); i += 16) {
            out.add(List.copyOf(singles.subList(i, Math.min(singles.size(), i + 16))));
        }
        out.addAll(ranges);
        if (out.isEmpty()) {
            out.add(List.of());
        }
        return out;
    }

    static int mode(Disposition d) {
        if (d == null) {
            return 0;
        }
        return switch (d) {
            case DENY -> BpfTables.DENY;
            case AUDIT -> BpfTables.AUDIT;
            case DENY_AUDIT -> BpfTables.DENY | BpfTables.AUDIT;
            case ALLOW -> 0;
        };
    }

    private static int perms(IrRule.File f) {
        int bits = 0;
        for (FilePerm p : f.perms()) {
            bits |= switch (p) {
                case READ -> 0x4;
                case WRITE -> 0x2;
                case APPEND -> 0x8;
                case LINK -> 0x40000;
            };
        }
        return bits;
    }

    private static long mask(java.util.Set<Integer> values) {
        long m = 0;
        for (int v : values) {
            m |= 1L << v;
        }
        return m;
    }

    /** A path pattern as a table row (the pattern must be supported, see {@link #unsupportedPattern}). */
    public static BpfTables.PathRow path(PathPattern p, int perms, int mode, String rule) {
        String[] b = basename(p);
        if (b != null) {
            return new BpfTables.PathRow("basename", b[0], b[1], null, perms, mode, rule);
        }
        return switch (p.shape()) {
            case EXACT -> new BpfTables.PathRow("exact", p.glob(), null, null, perms, mode, rule);
            case PREFIX -> new BpfTables.PathRow("prefix", p.prefix(), null, null, perms, mode, rule);
            case SUFFIX -> new BpfTables.PathRow("suffix", p.prefix(), p.suffix(), null, perms, mode, rule);
            case PREFIX_SUFFIX -> new BpfTables.PathRow("prefix-suffix", p.prefix(), p.suffix(), null, perms, mode, rule);
            case CHAIN -> new BpfTables.PathRow("chain", p.prefix(), p.suffix(), p.components(), perms, mode, rule);
            case BASENAME -> new BpfTables.PathRow("basename", p.prefix(), p.suffix(), null, perms, mode, rule);
            case GENERAL -> throw new IllegalArgumentException(unsupportedPattern(p).orElseThrow());
        };
    }
}
