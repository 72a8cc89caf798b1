package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** Spec shared by VarmorPolicy and VarmorClusterPolicy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VarmorPolicySpec(Target target, Policy policy, Boolean updateExistingWorkloads) {}
