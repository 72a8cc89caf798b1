package io.varmor.core.ir;

/** What happens when a rule matches. */
public enum Disposition {
    /** Blocked silently. */
    DENY,
    /** Allowed and reported. */
    AUDIT,
    /** Blocked and reported. */
    DENY_AUDIT,
    /** Allowed, not reported (a built-in rule with allowViolations and without auditViolations). */
    ALLOW;

    public boolean denies() {
        return this == DENY || this == DENY_AUDIT;
    }

    public boolean audits() {
        return this == AUDIT || this == DENY_AUDIT;
    }

    /** vArmor's mapping of the EnhanceProtect switches to a disposition (spec §3 matrix). */
    public static Disposition of(boolean allowViolations, boolean auditViolations) {
        if (allowViolations) {
            return auditViolations ? AUDIT : ALLOW;
        }
        return auditViolations ? DENY_AUDIT : DENY;
    }

    /** From BPF-style qualifiers {@code deny} / {@code audit}; null when neither is present (no effect). */
    public static Disposition ofQualifiers(boolean deny, boolean audit) {
        if (deny) {
            return audit ? DENY_AUDIT : DENY;
        }
        return audit ? AUDIT : null;
    }
}
