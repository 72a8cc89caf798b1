package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** The workloads (and optionally containers) a policy hardens. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Target(String kind, String name, List<String> containers, LabelSelector selector) {}
