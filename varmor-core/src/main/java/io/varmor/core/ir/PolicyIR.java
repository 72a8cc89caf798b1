package io.varmor.core.ir;

import io.varmor.api.policy.AppArmorRawRules;
import io.varmor.api.policy.LinuxSyscall;
import java.util.List;
import java.util.Set;

/**
 * The enforcer-neutral form of one policy: what every {@code Enforcer.compile} translates.
 *
 * @param profileName vArmor's profile name ({@code varmor-<ns>-<name>} / {@code varmor-cluster-<ns>-<name>})
 * @param enforcers canonical enforcer ids the policy selected, e.g. {@code [AppArmor, BPF]}
 * @param base what the rules are layered on: AlwaysAllow or RuntimeDefault semantics, nothing (modelling), or an
 *        allow-list (DefenseInDepth)
 * @param baseDisposition the disposition of the base's own deny rules (RuntimeDefault under EnhanceProtect takes the
 *        policy's disposition)
 * @param complain profile-level observe mode: nothing blocked, everything reported (BehaviorModeling,
 *        DefenseInDepth with allowViolations)
 * @param rules blocklist rules in declaration order
 * @param defense DefenseInDepth sources, null in other modes
 */
public record PolicyIR(
        String profileName,
        String policyKind,
        String policyNamespace,
        String policyName,
        Set<String> enforcers,
        Mode mode,
        boolean privileged,
        Base base,
        Disposition baseDisposition,
        boolean complain,
        List<IrRule> rules,
        Defense defense) {

    /** What the blocklist is layered on. */
    public enum Base { ALWAYS_ALLOW, RUNTIME_DEFAULT, NONE, ALLOW_LIST }

    /**
     * DefenseInDepth inputs: custom profiles (or null when the profile comes from a behaviour model), raw rules and
     * the BPF allow-list (null when the policy has none or it comes from a model not yet resolved).
     */
    public record Defense(String appArmorProfileType, String appArmorCustomProfile, List<AppArmorRawRules> appArmorRawRules,
                          String seccompProfileType, String seccompCustomProfile, List<LinuxSyscall> syscallRawRules,
                          String bpfProfileType, io.varmor.api.model.BpfResult bpfAllowList, boolean allowViolations) {}
}
