package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** An egress destination by Kubernetes Service. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Service(List<String> qualifiers, String namespace, String name, LabelSelector serviceSelector) {}
