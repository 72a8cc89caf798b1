package io.varmor.api;

import io.varmor.api.policy.VarmorPolicySpec;
import io.varmor.api.policy.VarmorPolicyStatus;

/** What {@link VarmorPolicy} and {@link VarmorClusterPolicy} have in common: the same spec and status schema. */
public sealed interface PolicyResource extends Resource permits VarmorPolicy, VarmorClusterPolicy {
    VarmorPolicySpec spec();

    VarmorPolicyStatus status();

    /** True for the cluster-scoped kind. */
    default boolean clusterScoped() {
        return this instanceof VarmorClusterPolicy;
    }
}
