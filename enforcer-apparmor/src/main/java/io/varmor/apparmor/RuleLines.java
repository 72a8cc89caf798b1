package io.varmor.apparmor;

import io.varmor.core.ir.Disposition;
import io.varmor.core.ir.FilePerm;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.Linux;
import io.varmor.core.ir.PtracePerm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One IR rule as AppArmor rule lines, and whether that is possible at all. Lines carry their qualifier and trailing
 * comma; raw rules are returned as written (one entry per line of the raw text).
 */
final class RuleLines {
    private RuleLines() {}

    /** Why AppArmor cannot express {@code rule}, or empty. Scoping to executables is always possible. */
    static Optional<String> problem(IrRule rule) {
        if (rule instanceof IrRule.File f) {
            return f.perms().isEmpty() ? Optional.of("AppArmor file rules need at least one permission") : AaSyntax.pathProblem(f.pattern().glob());
        } else if (rule instanceof IrRule.Exec e) {
            return AaSyntax.pathProblem(e.pattern().glob());
        } else if (rule instanceof IrRule.Capability c) {
            return c.caps().stream().filter(n -> n < 0 || n >= Linux.CAPABILITIES.size()).findFirst()
                    .map(n -> "AppArmor has no capability number " + n);
        } else if (rule instanceof IrRule.Socket s) {
            return NetworkRules.problem(s);
        } else if (rule instanceof IrRule.Mount m) {
            return MountRules.problem(m);
        } else if (rule instanceof IrRule.Umount u) {
            return AaSyntax.pathProblem(u.path().glob());
        } else if (rule instanceof IrRule.Ptrace p) {
            return p.perms().isEmpty() ? Optional.of("AppArmor ptrace rules need at least one permission") : Optional.empty();
        } else if (rule instanceof IrRule.RawAppArmor r) {
            return RawRules.problem(r.text());
        }
        return Optional.of("AppArmor has no " + rule.primitive().name().toLowerCase().replace('_', '-') + " primitive");
    }

    /**
     * The lines for {@code rule} in profile {@code profile}. {@code ptraceAllowedByBase} says whether the base already
     * allows ptrace to every peer (AlwaysAllow); when it does not, an audit-only ptrace rule is narrowed to the
     * profile family so that it never grants what the base denies.
     */
    static List<String> render(IrRule rule, String profile, boolean ptraceAllowedByBase) {
        if (rule instanceof IrRule.RawAppArmor r) {
            return RawRules.lines(r.text()).stream().map(RawRules.Line::text).toList();
        }
        Disposition d = rule.disposition();
        if (!Qualifier.written(d)) {
            return List.of();
        }
        String q = Qualifier.of(d);
        List<String> out = new ArrayList<>();
        if (rule instanceof IrRule.File f) {
            out.add(q + AaSyntax.path(f.pattern().glob()) + " " + filePerms(f) + ",");
        } else if (rule instanceof IrRule.Exec e) {
            out.add(q + AaSyntax.path(e.pattern().glob()) + " " + Qualifier.withExec("rx", d) + ",");
        } else if (rule instanceof IrRule.Capability c) {
            out.add(q + capability(c) + ",");
        } else if (rule instanceof IrRule.Socket s) {
            NetworkRules.render(s).forEach(l -> out.add(q + l + ","));
        } else if (rule instanceof IrRule.Mount m) {
            MountRules.render(m).forEach(l -> out.add(q + l + ","));
        } else if (rule instanceof IrRule.Umount u) {
            out.add(q + MountRules.umount(u) + ",");
        } else if (rule instanceof IrRule.Ptrace p) {
            ptrace(p, profile, ptraceAllowedByBase).ifPresent(l -> out.add(q + l + ","));
        } else {
            throw new IllegalArgumentException("AppArmor cannot render " + rule.primitive());
        }
        return out;
    }

    private static String filePerms(IrRule.File f) {
        StringBuilder b = new StringBuilder();
        if (f.perms().contains(FilePerm.READ)) {
            b.append('r');
        }
        if (f.perms().contains(FilePerm.WRITE)) {
            b.append('w');
        } else if (f.perms().contains(FilePerm.APPEND)) {
            b.append('a');
        }
        if (f.perms().contains(FilePerm.LINK)) {
            b.append('l');
        }
        return b.toString();
    }

    private static String capability(IrRule.Capability c) {
        if (c.caps().size() == Linux.CAPABILITIES.size()) {
            return "capability";
        }
        return "capability " + c.caps().stream().map(Linux.CAPABILITIES::get).collect(Collectors.joining(" "));
    }

    private static Optional<String> ptrace(IrRule.Ptrace p, String profile, boolean allowedByBase) {
        String perms = p.perms().stream().map(RuleLines::ptracePerm).collect(Collectors.joining(", "));
        String rule = "ptrace (" + perms + ")";
        boolean auditOnly = !p.disposition().denies();
        if (auditOnly && !allowedByBase) {
            // The base allows ptrace only within the family: auditing must not widen that.
            return p.strict() ? Optional.of(rule + " peer=" + AaSyntax.family(profile)) : Optional.empty();
        }
        return Optional.of(p.strict() ? rule : rule + " peer=" + AaSyntax.notFamily(profile));
    }

    private static String ptracePerm(PtracePerm p) {
        return switch (p) {
            case TRACE -> "trace";
            case READ -> "read";
            case TRACEBY -> "tracedby";
            case READBY -> "readby";
        };
    }
}
