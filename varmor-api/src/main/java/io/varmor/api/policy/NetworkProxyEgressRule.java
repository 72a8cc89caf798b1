package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** NetworkProxy L4 rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkProxyEgressRule(List<String> qualifiers, String description, String ip, String cidr, List<Port> ports) {}
