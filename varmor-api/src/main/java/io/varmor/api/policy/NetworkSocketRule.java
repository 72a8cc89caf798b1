package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** A BPF socket() rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkSocketRule(List<String> qualifiers, List<String> domains, List<String> types, List<String> protocols) {}
