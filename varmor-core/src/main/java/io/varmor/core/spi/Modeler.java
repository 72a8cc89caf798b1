package io.varmor.core.spi;

import io.varmor.api.event.ViolationEvent;
import io.varmor.api.model.DynamicResult;

/**
 * Learns a target's behaviour from complain/log-mode events and produces an ArmorProfileModel's dynamic result.
 */
public interface Modeler {
    String id();

    /** Consumes one behaviour event (ALLOWED/AUDIT). */
    void accept(ViolationEvent event);

    /** The behaviour seen so far. */
    DynamicResult snapshot();

    /** True when no new behaviour has appeared for the configured window. */
    default boolean converged() {
        return false;
    }
}
