package io.varmor.bpf.kernel;

/**
 * struct va_dec under construction: per permission slot, the rule that denies and the rule that only audits, each with
 * the shortest path length it needs. Merging keeps, per slot, the denying rule with the smallest need (on a tie the
 * first, unless a later one also audits and the kept one does not: the same preference as {@code take()} in the BPF
 * code) and likewise for audit-only rules.
 */
final class Decision {
    private final int[] deny = new int[Layout.NPERM];
    private final int[] denyNeed = new int[Layout.NPERM];
    private final int[] audit = new int[Layout.NPERM];
    private final int[] auditNeed = new int[Layout.NPERM];

    /** Adds a rule: {@code perms} internal bits, {@code ref} rule reference, {@code need} path length it needs. */
    void add(int perms, int ref, boolean denies, int need) {
        for (int i = 0; i < Layout.NPERM; i++) {
            if ((perms & (1 << i)) == 0) {
                continue;
            }
            if (denies) {
                if (better(deny[i], denyNeed[i], ref, need)) {
                    deny[i] = ref;
                    denyNeed[i] = need;
                }
            } else if (audit[i] == 0 || need < auditNeed[i]) {
                audit[i] = ref;
                auditNeed[i] = need;
            }
        }
    }

    private static boolean better(int cur, int curNeed, int ref, int need) {
        if (cur == 0 || need < curNeed) {
            return true;
        }
        return need == curNeed && (cur & Layout.RULE_AUDIT) == 0 && (ref & Layout.RULE_AUDIT) != 0;
    }

    void addAll(Decision d) {
        for (int i = 0; i < Layout.NPERM; i++) {
            if (d.deny[i] != 0) {
                add(1 << i, d.deny[i], true, d.denyNeed[i]);
            }
            if (d.audit[i] != 0) {
                add(1 << i, d.audit[i], false, d.auditNeed[i]);
            }
        }
    }

    boolean isEmpty() {
        for (int i = 0; i < Layout.NPERM; i++) {
            if (deny[i] != 0 || audit[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Writes the 40-byte struct va_dec at {@code off}. */
    void write(Le out, int off) {
        for (int i = 0; i < Layout.NPERM; i++) {
            int o = off + i * 8;
            out.u16(o, deny[i]).u16(o + 2, Math.min(0xffff, denyNeed[i])).u16(o + 4, audit[i])
                    .u16(o + 6, Math.min(0xffff, auditNeed[i]));
        }
    }

    byte[] bytes() {
        Le b = new Le(Layout.DEC);
        write(b, 0);
        return b.array();
    }

    /** What the BPF {@code pick()} returns for a request: {deny ref, audit ref}. */
    int[] pick(int req, int len) {
        int d = 0;
        int a = 0;
        for (int i = 0; i < Layout.NPERM; i++) {
            if ((req & (1 << i)) == 0) {
                continue;
            }
            if (deny[i] != 0 && len >= denyNeed[i] && (d == 0 || ((d & Layout.RULE_AUDIT) == 0 && (deny[i] & Layout.RULE_AUDIT) != 0))) {
                d = deny[i];
            }
            if (audit[i] != 0 && len >= auditNeed[i] && a == 0) {
                a = audit[i];
            }
        }
        return new int[] {d, a};
    }
}
