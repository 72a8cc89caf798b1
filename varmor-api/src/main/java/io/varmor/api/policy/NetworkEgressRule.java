package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** BPF egress (connect) rules. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkEgressRule(List<Destination> toDestinations, List<Service> toServices, List<Pod> toPods) {}
