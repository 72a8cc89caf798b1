package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** Status of a VarmorPolicy or VarmorClusterPolicy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VarmorPolicyStatus(String profileName, List<Condition> conditions, Boolean ready, String phase) {}
