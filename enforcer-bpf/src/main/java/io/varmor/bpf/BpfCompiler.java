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
