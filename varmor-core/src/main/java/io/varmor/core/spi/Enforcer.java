package io.varmor.core.spi;

import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.ir.Primitive;
import java.util.Optional;
import java.util.Set;

/**
 * A kernel enforcement mechanism, discovered with {@link java.util.ServiceLoader}. An enforcer translates the IR
 * ({@link #compile}, pure and deterministic) and, on a node, applies the result to a target.
 *
 * <p>Coverage is derived from this interface alone: a built-in rule is covered by an enforcer when
 * {@link #cannotEnforce} is empty for every IR rule the built-in expands to. There is no second table.
 */
public interface Enforcer {

    /** Canonical id as spelled in {@code policy.enforcer}, e.g. {@code AppArmor}, {@code BPF}, {@code Seccomp}. */
    String id();

    /** Higher wins when two plugins claim the same id; ties are logged. */
    default int priority() {
        return 0;
    }

    /** The primitives this enforcer translates at all. */
    Set<Primitive> primitives();

    /**
     * Why this enforcer cannot enforce {@code rule} (e.g. "BPF cannot scope rules to executables"), or empty when it
     * can. The default accepts every rule of a declared primitive that is not scoped to executables.
     */
    default Optional<String> cannotEnforce(IrRule rule) {
        if (!primitives().contains(rule.primitive())) {
            return Optional.of(id() + " has no " + rule.primitive().name().toLowerCase().replace('_', '-') + " primitive");
        }
        if (!rule.targets().isEmpty()) {
            return Optional.of(id() + " cannot scope rules to executables");
        }
        return Optional.empty();
    }

    /**
     * Problems that make the IR impossible for this enforcer as a whole (e.g. more rules of one kind than its tables
     * hold). Each message becomes a {@code too-many-rules} error. Default: none.
     */
    default java.util.List<String> checkCapacity(PolicyIR ir) {
        return java.util.List.of();
    }

    /** Translates the IR into this enforcer's artefact. Pure: same IR, same bytes. */
    EnforcerProfile compile(PolicyIR ir);

    /**
     * The deny-by-default profile this enforcer would enforce for a learned model: the {@code customProfile} text of
     * a DefenseInDepth policy (spec §6.2), for the profile named {@code profileName}. Empty when this enforcer does
     * not generate profiles from models.
     */
    default Optional<String> profileFromModel(String profileName, io.varmor.api.model.DynamicResult model) {
        return Optional.empty();
    }

    /** Whether this enforcer can enforce on the node described, and why not. */
    default Availability availability(NodeCapabilities node) {
        return Availability.unavailable(id() + ": enforcement on a node is not implemented yet (compile only)");
    }

    /**
     * Arguments for {@code varmor-exec}, the launcher that runs in the target between isolation and exec, for
     * enforcers that must act inside the target itself (seccomp filters, AppArmor's change-on-exec). Files the
     * enforcer prepares go into {@code workDir}, which is removed after the run. Default: none.
     */
    default java.util.List<String> launchArguments(EnforcerProfile profile, java.nio.file.Path workDir)
            throws EnforcementException {
        return java.util.List.of();
    }

    /**
     * Binds a target that is isolated (its mount namespace exists) but has not executed yet, e.g. by writing BPF maps
     * keyed by its mount namespace or loading an AppArmor profile. The returned handle removes what was applied.
     * Default: nothing to bind (enforcers that work through {@link #launchArguments} alone).
     */
    default Applied apply(EnforcerProfile profile, TargetBinding target) throws EnforcementException {
        return Applied.NOOP;
    }

    /**
     * Starts forwarding this enforcer's violation events about {@code target} to {@code sink}; closing the returned
     * handle stops it. Called before the target executes, so that its first action is observed.
     */
    default AutoCloseable observe(TargetBinding target, EventSink sink) {
        return () -> {};
    }

    /** What {@link #apply} returns: removing it undoes the application. */
    interface Applied extends AutoCloseable {
        @Override
        void close();

        /** Applied nothing (for enforcers whose profile has no effect in this mode). */
        Applied NOOP = () -> {};
    }
}
