package io.varmor.core.spi;

import io.varmor.api.event.ViolationEvent;

/** Receives violation events. Implementations must be thread-safe and must not block for long. */
@FunctionalInterface
public interface EventSink {
    void accept(ViolationEvent event);

    /**
     * Told that {@code count} events that may have been this sink's were lost before they reached varmor (a kernel
     * buffer or a queue was full), so that what it builds from events (a behaviour model, a report) can say it is
     * incomplete. Called at most once per observation, when it ends; the default ignores it.
     *
     * @param enforcer the enforcer whose events were lost
     * @param reason   where they were lost, e.g. "ring buffer full"
     */
    default void lost(String enforcer, long count, String reason) {}

    /** Drops everything. */
    EventSink NOOP = e -> {};
}
