package io.varmor.api.meta;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** Kubernetes label selector. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabelSelector(Map<String, String> matchLabels, List<LabelSelectorRequirement> matchExpressions) {}
