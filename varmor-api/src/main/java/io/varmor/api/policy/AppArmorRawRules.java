package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** Raw AppArmor rule text, optionally scoped to executables. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppArmorRawRules(String rules, List<String> targets) {}
