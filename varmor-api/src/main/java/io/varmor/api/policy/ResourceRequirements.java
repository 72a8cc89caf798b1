package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** Kubernetes-style resource requests and limits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourceRequirements(Map<String, String> requests, Map<String, String> limits) {}
