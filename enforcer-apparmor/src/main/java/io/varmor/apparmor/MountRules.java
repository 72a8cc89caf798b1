package io.varmor.apparmor;

import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.Linux;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * IR mount rules as AppArmor {@code mount}/{@code remount} rules.
 *
 * <p>AppArmor splits mounts into classes the kernel checks differently: new mounts (source, fstype, flags), bind and
 * move (source and mount point; only the bind/rec flags are compared), remount and propagation changes (mount point
 * only). An IR rule is written per class it selects. For remount and propagation changes AppArmor has no source, so
 * the IR source pattern is matched against the mount point (as vArmor does). A rule selecting mounts by an ordinary
 * flag (ro, nosuid, ...) or a "reverse" flag cannot be written: AppArmor {@code options} compare the whole flag set.
 * Rules use exact {@code options=(...)} sets only, never {@code options in (...)}, which is far costlier to compile.
 */
final class MountRules {
    private static final long PROPAGATION = Linux.MS_UNBINDABLE | Linux.MS_PRIVATE | Linux.MS_SLAVE | Linux.MS_SHARED;
    private static final long EXPRESSIBLE = Linux.MS_BIND | Linux.MS_REC | Linux.MS_MOVE | Linux.MS_REMOUNT | PROPAGATION;

    private MountRules() {}

    static Optional<String> problem(IrRule.Mount m) {
        if (m.reverseFlags() != 0) {
            return Optional.of("AppArmor mount rules cannot match on the absence of a mount flag");
        }
        if ((m.flags() & ~EXPRESSIBLE) != 0) {
            return Optional.of("AppArmor mount options compare the whole flag set; a rule for any mount carrying flag(s) 0x"
                    + Long.toHexString(m.flags() & ~EXPRESSIBLE) + " cannot be written");
        }
        if (m.flags() == Linux.MS_REC) {
            return Optional.of("AppArmor has no mount operation for the recursive flag alone");
        }
        if (m.flags() != 0 && !m.fstype().equals("*") && !m.fstype().equals("none")) {
            return Optional.of("AppArmor bind, move, remount and propagation rules cannot be conditioned on fstype");
        }
        if (!m.fstype().equals("*") && !m.fstype().matches("[A-Za-z0-9._+-]+")) {
            return Optional.of("fstype \"" + m.fstype() + "\" cannot be written in an AppArmor mount rule");
        }
        return AaSyntax.pathProblem(m.source().glob());
    }

    /** The rule bodies (without qualifier). */
    static List<String> render(IrRule.Mount m) {
        List<String> out = new ArrayList<>();
        boolean anySource = m.source().glob().equals("**");
        String src = anySource ? "" : " " + AaSyntax.path(m.source().glob());
        String onto = anySource ? "" : " -> " + AaSyntax.path(m.source().glob());
        boolean anyFs = m.fstype().equals("*");
        if (m.newMountsOnly()) {
            // An fstype condition restricts the rule to new mounts (bind/move/remount carry no fstype).
            out.add("mount fstype=" + (anyFs ? "**" : m.fstype()) + src);
            return out;
        }
        long f = m.flags();
        if (f == 0) {
            if (anyFs) {
                out.add("mount" + src);
                if (!anySource) {
                    out.add("remount" + onto.replace(" -> ", " "));
                }
            } else {
                out.add("mount fstype=" + m.fstype() + src);
            }
            return out;
        }
        if ((f & Linux.MS_BIND) != 0) {
            out.add("mount options=(bind)" + src);
            out.add("mount options=(rbind)" + src);
        }
        if ((f & Linux.MS_MOVE) != 0) {
            out.add("mount options=(move)" + src);
        }
        if ((f & Linux.MS_REMOUNT) != 0) {
            out.add("remount" + onto.replace(" -> ", " "));
        }
        addPropagation(out, f, Linux.MS_UNBINDABLE, "unbindable", onto);
        addPropagation(out, f, Linux.MS_PRIVATE, "private", onto);
        addPropagation(out, f, Linux.MS_SLAVE, "slave", onto);
        addPropagation(out, f, Linux.MS_SHARED, "shared", onto);
        return out;
    }

    /**
     * Exact option sets, one rule each: the kernel passes only the type, rec and silent flags for a propagation
     * change, and {@code options in (...)} alternatives make the parser's DFA explode (minutes for four rules).
     */
    private static void addPropagation(List<String> out, long flags, long bit, String name, String onto) {
        if ((flags & bit) != 0) {
            for (String opts : List.of(name, "r" + name, name + ",silent", "r" + name + ",silent")) {
                out.add("mount options=(" + opts + ")" + onto);
            }
        }
    }

    /** An IR umount rule body (without qualifier). */
    static String umount(IrRule.Umount u) {
        String g = u.path().glob();
        return g.equals("**") ? "umount" : "umount " + AaSyntax.path(g);
    }
}
