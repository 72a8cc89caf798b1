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
    /** Longest literal prefix/suffix a path row can hold. */
    public static final int MAX_LITERAL = 255;

    private BpfCompiler() {}

    /** Why a path pattern cannot be a BPF row, or empty when it can. */
    public static Optional<String> unsupportedPattern(PathPattern p) {
        return switch (p.shape()) {
            case GENERAL -> Optional.of("BPF cannot express the pattern \"" + p.glob()
                    + "\" (supported: exact, P**, **S, P**S, P**/C/**S with whole components C, and P*S on file names)");
            default -> p.prefix().length() > MAX_LITERAL || p.suffix().length() > MAX_LITERAL
                    ? Optional.of("pattern \"" + p.glob() + "\" has a literal part longer than " + MAX_LITERAL + " bytes")
                    : Optional.empty();
        };
    }

    public static BpfTables compile(PolicyIR ir) {
        long capDeny = 0;
        long capAudit = 0;
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
                if ((m & BpfTables.DENY) != 0) {
                    capDeny |= mask;
                }
                if ((m & BpfTables.AUDIT) != 0) {
                    capAudit |= mask;
                }
            } else if (r instanceof IrRule.Socket s) {
                sockets.add(new BpfTables.SocketRow(mask(s.domains()), mask(s.types()), mask(s.protocols()),
                        s.protocolsImplied(), m, s.origin()));
            } else if (r instanceof IrRule.Connect c) {
                List<int[]> ports = new ArrayList<>();
                for (PortRange p : c.ports()) {
                    ports.add(new int[] {p.from(), p.to()});
                }
                egress.add(new BpfTables.EgressRow(c.cidr(), c.podSelf() ? Boolean.TRUE : null, c.service(),
                        ports.isEmpty() ? null : ports, m, c.origin()));
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
        return new BpfTables(1, ir.profileName(), ir.complain() ? "complain" : "enforce",
                new BpfTables.Capabilities(capDeny, capAudit), files, processes, sockets, egress, ptrace, mounts, umounts);
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

    static BpfTables.PathRow path(PathPattern p, int perms, int mode, String rule) {
        return switch (p.shape()) {
            case EXACT -> new BpfTables.PathRow("exact", p.glob(), null, null, perms, mode, rule);
            case PREFIX -> new BpfTables.PathRow("prefix", p.prefix(), null, null, perms, mode, rule);
            case SUFFIX -> new BpfTables.PathRow("suffix", null, p.suffix(), null, perms, mode, rule);
            case PREFIX_SUFFIX -> new BpfTables.PathRow("prefix-suffix", p.prefix(), p.suffix(), null, perms, mode, rule);
            case CHAIN -> new BpfTables.PathRow("chain", p.prefix(), p.suffix(), p.components(), perms, mode, rule);
            case BASENAME -> new BpfTables.PathRow("basename", p.prefix(), p.suffix(), null, perms, mode, rule);
            case GENERAL -> throw new IllegalArgumentException(unsupportedPattern(p).orElseThrow());
        };
    }
}
