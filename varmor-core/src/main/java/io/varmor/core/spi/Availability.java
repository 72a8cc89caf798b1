package io.varmor.core.spi;

/** Whether an enforcer can work on a node; when not, a reason a person can act on. */
public record Availability(boolean available, String detail) {
    public static Availability available(String detail) {
        return new Availability(true, detail);
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
