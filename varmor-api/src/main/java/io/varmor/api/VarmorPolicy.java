package io.varmor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.ObjectMeta;
import io.varmor.api.policy.VarmorPolicySpec;
import io.varmor.api.policy.VarmorPolicyStatus;

/** The namespaced policy ({@code kind: VarmorPolicy}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VarmorPolicy(String apiVersion, String kind, ObjectMeta metadata, VarmorPolicySpec spec, VarmorPolicyStatus status)
        implements PolicyResource {}
