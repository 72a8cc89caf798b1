package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** A BPF ptrace rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PtraceRule(List<String> qualifiers, Boolean strictMode, List<String> permissions) {}
