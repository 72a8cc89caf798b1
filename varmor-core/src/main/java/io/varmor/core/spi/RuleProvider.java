package io.varmor.core.spi;

import java.util.List;

/** Contributes built-in rule definitions (a rule pack). Found with {@link java.util.ServiceLoader}. */
public interface RuleProvider {
    /** A name for diagnostics, e.g. {@code varmor-builtin}. */
    String name();

    List<RuleDefinition> rules();

    default int priority() {
        return 0;
    }
}
