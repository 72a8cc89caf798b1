package io.varmor.bpf.kernel;

/**
 * A path rule ready for the tries: its decomposed pattern, permissions and disposition.
 *
 * @param ref       rule reference (index + 1, with {@link Layout#RULE_AUDIT} when the rule audits)
 * @param denies    whether the rule denies (otherwise it only audits)
 * @param perms     internal permission bits ({@link Layout#P_READ} ...)
 * @param shape     how the pattern decomposes
 * @param prefix    literal before the wildcard (the whole path for EXACT)
 * @param suffix    literal after the wildcard ("" when none)
 * @param component the whole component in the middle of a CHAIN pattern
 */
public record PathRule(int ref, boolean denies, int perms, Shape shape, String prefix, String suffix, String component) {

    /** Pattern shapes the kernel tables express. */
    public enum Shape { EXACT, PREFIX, SUFFIX, PREFIX_SUFFIX, CHAIN, BASENAME }

    /** Path length the pattern needs at least (|P| + |S|); exact patterns need their full length. */
    int need() {
        return shape == Shape.EXACT ? bytes(prefix).length : bytes(prefix).length + bytes(suffix).length;
    }

    static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
