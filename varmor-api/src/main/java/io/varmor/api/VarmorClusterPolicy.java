package io.varmor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.ObjectMeta;
import io.varmor.api.policy.VarmorPolicySpec;
import io.varmor.api.policy.VarmorPolicyStatus;

/** The cluster-scoped policy ({@code kind: VarmorClusterPolicy}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VarmorClusterPolicy(String apiVersion, String kind, ObjectMeta metadata, VarmorPolicySpec spec, VarmorPolicyStatus status)
        implements PolicyResource {}
