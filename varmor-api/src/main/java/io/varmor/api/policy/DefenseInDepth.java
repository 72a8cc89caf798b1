package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** DefenseInDepth mode: deny-by-default profiles from a model or custom text. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DefenseInDepth(AppArmorProfile appArmor, SeccompProfile seccomp, BpfProfile bpf, NetworkProxyRules networkProxy,
                             Boolean allowViolations) {}
