package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** A BPF mount rule (honoured only when privileged). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MountRule(List<String> qualifiers, String sourcePattern, String fstype, List<String> flags) {}
