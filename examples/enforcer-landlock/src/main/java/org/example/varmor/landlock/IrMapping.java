package org.example.varmor.landlock;

import io.varmor.core.ir.Disposition;
import io.varmor.core.ir.FilePerm;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.PathPattern;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.ir.PortRange;
import io.varmor.core.ir.PtracePerm;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How varmor's deny rules (over an allow-by-default base) map onto Landlock's allow-list, and exactly what does not
 * map. A rule maps when it denies (or only allows: then it has no effect), applies to the whole sandbox, and is:
 * <ul>
 *   <li>a file or exec rule on an exact absolute path or on a hierarchy {@code DIR/**}: Landlock grants rights by
 *       hierarchy, so wildcards inside a path cannot be expressed; append or link alone cannot either (Landlock does
 *       not tell appending from writing, and a link is the creation of a file);</li>
 *   <li>a connect rule to any address: Landlock restricts TCP connect by port, not by address;</li>
 *   <li>a ptrace rule on processes outside the sandbox (trace, read): any Landlock domain forbids them.</li>
 * </ul>
 */
final class IrMapping {
    private IrMapping() {}

    /** Why Landlock cannot enforce {@code rule}, or empty when it can. */
    static Optional<String> whyNot(IrRule rule) {
        if (!rule.targets().isEmpty()) {
            return Optional.of("Landlock cannot scope rules to executables (a ruleset confines the whole sandbox)");
        }
        if (rule.disposition() == Disposition.AUDIT) {
            return Optional.of("Landlock cannot allow and report (audit without deny): it can only deny");
        }
        if (rule instanceof IrRule.File) {
            IrRule.File f = (IrRule.File) rule;
            Optional<String> p = pathProblem(f.pattern());
            if (p.isPresent()) {
                return p;
            }
            if (f.perms().contains(FilePerm.APPEND) && !f.perms().contains(FilePerm.WRITE)) {
                return Optional.of("Landlock cannot tell appending from writing: append without write is not expressible");
            }
            if (f.perms().contains(FilePerm.LINK) && !f.perms().contains(FilePerm.WRITE)) {
                return Optional.of("Landlock cannot deny hard links without denying file creation: link without write is not expressible");
            }
            return Optional.empty();
        }
        if (rule instanceof IrRule.Exec) {
            return pathProblem(((IrRule.Exec) rule).pattern());
        }
        if (rule instanceof IrRule.Connect) {
            IrRule.Connect c = (IrRule.Connect) rule;
            if (c.cidr() != null || c.podSelf() || c.service() != null) {
                String to = c.cidr() != null ? c.cidr() : c.podSelf() ? "pod-self" : "service " + c.service();
                return Optional.of("Landlock restricts TCP ports, not destinations: connecting to " + to + " is not expressible");
            }
            return Optional.empty();
        }
        if (rule instanceof IrRule.Ptrace) {
            IrRule.Ptrace p = (IrRule.Ptrace) rule;
            if (p.perms().contains(PtracePerm.TRACEBY) || p.perms().contains(PtracePerm.READBY)) {
                return Optional.of("Landlock cannot stop processes outside the sandbox from tracing or reading it (traceby, readby)");
            }
            if (p.strict()) {
                return Optional.of("Landlock only separates the sandbox from processes outside it; strict mode (peers inside too) is not expressible");
            }
            return Optional.empty();
        }
        return Optional.of("Landlock has no " + rule.primitive().name().toLowerCase().replace('_', '-') + " primitive");
    }

    private static Optional<String> pathProblem(PathPattern pattern) {
        String glob = pattern.glob();
        String path = hierarchy(glob);
        if (path == null) {
            if (glob.contains("*")) {
                return Optional.of("Landlock grants rights by hierarchy: \"" + glob
                        + "\" is neither an exact path nor DIR/** (wildcards inside a path are not expressible)");
            }
            path = glob;
        }
        if (glob.contains("@{")) {
            return Optional.of("Landlock cannot expand AppArmor variables: \"" + glob + "\"");
        }
        if (!canonical(path)) {
            return Optional.of("Landlock needs an absolute canonical path: \"" + glob + "\"");
        }
        return Optional.empty();
    }

    /** The directory of a {@code DIR/**} pattern ({@code /} for {@code /**}), or null for any other pattern. */
    static String hierarchy(String glob) {
        if (!glob.endsWith("/**")) {
            return null;
        }
        String dir = glob.substring(0, glob.length() - 3);
        if (dir.contains("*")) {
            return null;
        }
        return dir.isEmpty() ? "/" : dir;
    }

    static boolean canonical(String path) {
        if (!path.startsWith("/")) {
            return false;
        }
        if (path.equals("/")) {
            return true;
        }
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (String c : p.substring(1).split("/", -1)) {
            if (c.isEmpty() || c.equals(".") || c.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** The rules Landlock can enforce, as denials (rules other enforcers of the policy enforce are left out). */
    static LandlockProfile translate(PolicyIR ir) {
        List<LandlockProfile.FsDeny> files = new ArrayList<>();
        List<LandlockProfile.PortDeny> ports = new ArrayList<>();
        List<LandlockProfile.PtraceDeny> ptrace = new ArrayList<>();
        for (IrRule rule : ir.rules()) {
            if (rule.disposition() == null || !rule.disposition().denies() || whyNot(rule).isPresent()) {
                continue;
            }
            boolean audit = rule.disposition().audits();
            if (rule instanceof IrRule.File) {
                IrRule.File f = (IrRule.File) rule;
                files.add(fsDeny(f.pattern().glob(), rights(f.perms(), hierarchy(f.pattern().glob()) != null), audit, rule.origin()));
            } else if (rule instanceof IrRule.Exec) {
                files.add(fsDeny(((IrRule.Exec) rule).pattern().glob(), EnumSet.of(Access.EXECUTE), audit, rule.origin()));
            } else if (rule instanceof IrRule.Connect) {
                List<PortRange> rs = ((IrRule.Connect) rule).ports();
                if (rs.isEmpty()) {
                    ports.add(new LandlockProfile.PortDeny(1, 65535, audit, rule.origin()));
                }
                for (PortRange r : rs) {
                    ports.add(new LandlockProfile.PortDeny(r.from(), r.to(), audit, rule.origin()));
                }
            } else if (rule instanceof IrRule.Ptrace) {
                ptrace.add(new LandlockProfile.PtraceDeny(audit, rule.origin()));
            }
        }
        return new LandlockProfile(files, ports, ptrace);
    }

    private static LandlockProfile.FsDeny fsDeny(String glob, Set<Access> rights, boolean audit, String origin) {
        String dir = hierarchy(glob);
        String path = dir != null ? dir : glob.length() > 1 && glob.endsWith("/") ? glob.substring(0, glob.length() - 1) : glob;
        return new LandlockProfile.FsDeny(path, dir != null, rights, audit, origin);
    }

    /**
     * Landlock rights for IR file permissions. Reading a hierarchy includes listing its directories; reading an exact
     * path does not (else every ancestor of the path would become unlistable). Write, append and link are {@link
     * Access#WRITE}.
     */
    static Set<Access> rights(Set<FilePerm> perms, boolean hierarchy) {
        Set<Access> out = EnumSet.noneOf(Access.class);
        if (perms.contains(FilePerm.READ)) {
            out.add(Access.READ_FILE);
            if (hierarchy) {
                out.add(Access.READ_DIR);
            }
        }
        if (perms.contains(FilePerm.WRITE)) {
            out.addAll(Access.WRITE);
        }
        return out;
    }
}
