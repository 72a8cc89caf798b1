package io.varmor.core.ir;

/** An inclusive port range; a single port has {@code from == to}. */
public record PortRange(int from, int to) {
    public PortRange {
        if (from < 1 || to > 65535 || to < from) {
            throw new IllegalArgumentException("bad port range " + from + "-" + to);
        }
    }
}
