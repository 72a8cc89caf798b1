package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** NetworkProxy egress policy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkProxyEgress(String defaultAction, List<NetworkProxyEgressRule> rules, List<NetworkProxyHttpRule> httpRules) {}
