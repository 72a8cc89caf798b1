package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** DefenseInDepth AppArmor source. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppArmorProfile(String profileType, String customProfile, List<AppArmorRawRules> appArmorRawRules) {}
