package io.varmor.core.compile;

/**
 * Settings that change how a policy compiles.
 *
 * @param varmorNamespace namespace varmor is installed in; names cluster-policy profiles
 * @param behaviorModelingEnabled vArmor's {@code --enableBehaviorModeling}
 * @param maxRulesPerKind capacity of each BPF rule table per profile (vArmor: 64)
 */
public record CompileOptions(String varmorNamespace, boolean behaviorModelingEnabled, int maxRulesPerKind) {
    public static final CompileOptions DEFAULT = new CompileOptions("varmor", true, 1024);
}
