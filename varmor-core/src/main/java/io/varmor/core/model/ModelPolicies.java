package io.varmor.core.model;

import io.varmor.api.ArmorProfileModel;
import io.varmor.api.Resource;
import io.varmor.api.VarmorPolicy;
import io.varmor.api.io.Manifests;
import io.varmor.api.meta.ObjectMeta;
import io.varmor.api.model.ArmorProfileModelData;
import io.varmor.api.model.ArmorProfileModelStatus;
import io.varmor.api.model.DynamicResult;
import io.varmor.api.policy.AppArmorProfile;
import io.varmor.api.policy.DefenseInDepth;
import io.varmor.api.policy.Policy;
import io.varmor.api.policy.SeccompProfile;
import io.varmor.api.policy.Target;
import io.varmor.api.policy.VarmorPolicySpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Turns a learned model into an ArmorProfileModel object and a ready-to-apply DefenseInDepth policy. */
public final class ModelPolicies {
    /** Always allowed by generated Seccomp allow-lists (vArmor's base set; they are not logged while modelling). */
    public static final List<String> SECCOMP_BASE = List.of("close", "exit", "exit_group", "open", "openat", "openat2",
            "read", "rt_sigreturn", "write");

    private ModelPolicies() {}

    public static ArmorProfileModel model(String profileName, String namespace, DynamicResult result) {
        return new ArmorProfileModel(Resource.API_VERSION, "ArmorProfileModel",
                new ObjectMeta(profileName, null, namespace, null, null, null, null, null, null, null, null, null, null, null),
                "CRDInternal", new ArmorProfileModelData(result, Map.of(), null),
                new ArmorProfileModelStatus(1, 1, true, null));
    }

    /** The Seccomp allow-list profile (OCI JSON) of a model: default ERRNO, the base set and every observed syscall. */
    public static String seccompAllowList(DynamicResult result) {
        TreeSet<String> allowed = new TreeSet<>(SECCOMP_BASE);
        if (result != null && result.seccomp() != null && result.seccomp().syscalls() != null) {
            allowed.addAll(result.seccomp().syscalls());
        }
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("names", List.copyOf(allowed));
        rule.put("action", "SCMP_ACT_ALLOW");
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("defaultAction", "SCMP_ACT_ERRNO");
        profile.put("defaultErrnoRet", 1);
        profile.put("architectures", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"));
        profile.put("syscalls", List.of(rule));
        return Manifests.toPrettyJson(profile) + "\n";
    }

    /**
     * A DefenseInDepth policy enforcing a model's allow-lists: the Seccomp allow-list when {@code seccomp} is set,
     * and the given custom profiles of other enforcers (enforcer id → profile text, e.g. AppArmor's).
     */
    public static VarmorPolicy defenseInDepth(String name, String namespace, DynamicResult result, boolean seccomp,
                                              Map<String, String> customProfiles, boolean allowViolations) {
        String aaText = customProfiles.get("AppArmor");
        AppArmorProfile aa = aaText == null ? null : new AppArmorProfile("Custom", aaText, null);
        SeccompProfile sc = seccomp ? new SeccompProfile("Custom", seccompAllowList(result), null) : null;
        String enforcer = (aa != null ? "AppArmor" : "") + (sc != null ? "Seccomp" : "");
        if (enforcer.isEmpty()) {
            throw new IllegalArgumentException("no enforcer can generate a profile from this model");
        }
        DefenseInDepth did = new DefenseInDepth(aa, sc, null, allowViolations ? Boolean.TRUE : null);
        Policy policy = new Policy(enforcer, "DefenseInDepth", null, null, did, null);
        return new VarmorPolicy(Resource.API_VERSION, "VarmorPolicy",
                new ObjectMeta(name, null, namespace, null, null, null, null, null, null, null, null, null, null, null),
                new VarmorPolicySpec(new Target("Pod", name, null, null), policy, null), null);
    }
}
