package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** A BPF file or process rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileRule(List<String> qualifiers, String pattern, List<String> permissions) {}
