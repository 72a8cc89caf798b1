package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** EnhanceProtect mode: built-in and raw rules layered on RuntimeDefault or AlwaysAllow. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnhanceProtect(List<String> hardeningRules, List<AttackProtectionRules> attackProtectionRules, List<String> vulMitigationRules, List<AppArmorRawRules> appArmorRawRules, BpfRawRules bpfRawRules, List<LinuxSyscall> syscallRawRules, NetworkProxyRules networkProxyRawRules, Boolean privileged, Boolean auditViolations, Boolean allowViolations) {}
