package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** NetworkProxy L7 rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkProxyHttpRule(List<String> qualifiers, String description, HttpMatch match) {}
