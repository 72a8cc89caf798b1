package io.varmor.core.spi;

import java.util.List;

/**
 * A recorder of the syscalls a target makes that cannot drop records (e.g. a kernel bitmap per mount namespace),
 * used by behaviour modelling next to the log-based Seccomp recording. Found with {@link java.util.ServiceLoader}.
 */
public interface SyscallRecorderProvider {
    /** Short name for messages, e.g. {@code bpf-sysrec}. */
    String id();

    /**
     * Starts a recorder on this node.
     *
     * @throws EnforcementException with the reason when it cannot run here (no privileges, no BTF, …)
     */
    Recorder start() throws EnforcementException;

    /** A running recorder. */
    interface Recorder extends AutoCloseable {
        /** Starts recording a mount namespace (call before the target's first instruction runs). */
        void watch(long mountNamespace);

        /** Syscall names seen in the namespace since {@link #watch}. */
        List<String> syscalls(long mountNamespace);

        /** Stops recording the namespace. */
        void unwatch(long mountNamespace);

        @Override
        void close();
    }
}
