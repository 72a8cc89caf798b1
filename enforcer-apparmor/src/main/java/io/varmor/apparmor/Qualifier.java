package io.varmor.apparmor;

import io.varmor.core.ir.Disposition;

/** How a {@link Disposition} is written in front of an AppArmor rule (spec §3 disposition matrix). */
final class Qualifier {
    private Qualifier() {}

    /** {@code deny }, {@code audit deny }, {@code audit } or nothing (a plain allow). */
    static String of(Disposition d) {
        if (d == null) {
            return "";
        }
        return switch (d) {
            case DENY -> "deny ";
            case DENY_AUDIT -> "audit deny ";
            case AUDIT -> "audit ";
            case ALLOW -> "";
        };
    }

    /** Whether a rule with this disposition blocks; allow rules that can execute need an exec mode ({@code ix}). */
    static boolean denies(Disposition d) {
        return d != null && d.denies();
    }

    /** Whether a blocklist rule with this disposition must be written at all (a plain allow adds nothing). */
    static boolean written(Disposition d) {
        return d != null && d != Disposition.ALLOW;
    }

    /** File permissions for a rule that may include exec: {@code x} when denying, {@code ix} when allowing. */
    static String withExec(String perms, Disposition d) {
        return denies(d) ? perms : perms.replace("x", "ix");
    }
}
