package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** Which enforcers, which mode and which rules. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Policy(String enforcer, String mode, EnhanceProtect enhanceProtect, ModelingOptions modelingOptions, DefenseInDepth defenseInDepth, NetworkProxyConfig networkProxyConfig) {}
