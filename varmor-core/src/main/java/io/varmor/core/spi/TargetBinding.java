package io.varmor.core.spi;

import java.util.Map;

/**
 * The thing a profile is applied to: a local process about to execute, or a container.
 *
 * @param profileName the profile being applied
 * @param mountNamespaceId inode of the target's mount namespace, 0 when not yet known
 * @param cgroupId cgroup v2 id of the target, 0 when unknown
 * @param pid the target's (or its init process') pid, 0 when not yet started
 * @param startedAtMillis wall-clock time the target was isolated (events before it belong to someone else)
 * @param attributes free-form identity (pod, container, image, policy) copied into events
 */
public record TargetBinding(String profileName, long mountNamespaceId, long cgroupId, long pid, long startedAtMillis,
                            Map<String, String> attributes) {
    /** Attribute holding the target's own audit session id (audit records' {@code ses=}), when it has one. */
    public static final String AUDIT_SESSION = "auditSession";
}
