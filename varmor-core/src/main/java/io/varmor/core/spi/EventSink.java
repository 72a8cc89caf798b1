package io.varmor.core.spi;

import io.varmor.api.event.ViolationEvent;

/** Receives violation events. Implementations must be thread-safe and must not block for long. */
@FunctionalInterface
public interface EventSink {
    void accept(ViolationEvent event);

    /** Drops everything. */
    EventSink NOOP = e -> {};
}
