package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** An egress destination by IP or CIDR. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Destination(List<String> qualifiers, String ip, String cidr, List<Port> ports) {}
