package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** NetworkProxy HTTP match. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpMatch(List<String> hosts, List<Port> ports, List<HttpPathMatch> paths, List<String> methods) {}
