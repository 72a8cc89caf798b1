package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** A group of attack-protection rule ids, optionally scoped to executables (AppArmor only). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttackProtectionRules(List<String> rules, List<String> targets) {}
