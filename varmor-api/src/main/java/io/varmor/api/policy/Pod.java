package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** An egress destination by pod selector. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Pod(List<String> qualifiers, String namespace, LabelSelector podSelector, List<Port> ports) {}
