package io.varmor.core.model;

import io.varmor.api.ArmorProfileModel;
import io.varmor.api.Resource;
import io.varmor.api.VarmorPolicy;
import io.varmor.api.io.Manifests;
import io.varmor.api.meta.ObjectMeta;
import io.varmor.api.model.ArmorProfileModelData;
import io.varmor.api.model.ArmorProfileModelStatus;
import io.varmor.api.model.BpfResult;
import io.varmor.api.model.DynamicResult;
import io.varmor.api.policy.AppArmorProfile;
import io.varmor.api.policy.BpfProfile;
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

    /** Rule id of what a generated allow-list refuses (BPF events and simulation findings). */
    public static final String OUTSIDE_ALLOW_LIST = "varmor:outside-allow-list";

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
     * A recorded or listed file permission as a BPF allow-list decides on it: {@code read}, {@code write} or
     * {@code append} (rename and link need write on the names; AppArmor's letters r, w, a, l are accepted); null for
     * what a file entry does not grant (exec: executions are listed apart).
     */
    public static String allowListPermission(String p) {
        return switch (p) {
            case "read", "r" -> "read";
            case "write", "w", "rename", "link", "l" -> "write";
            case "append", "a" -> "append";
            default -> null;
        };
    }

    /** What a file allow-list entry with these permissions allows ({@link #allowListPermission}; write allows append). */
    public static java.util.Set<String> allowedByEntry(List<String> permissions) {
        java.util.Set<String> out = new TreeSet<>();
        for (String p : permissions == null ? List.<String>of() : permissions) {
            String a = allowListPermission(p);
            if (a != null) {
                out.add(a);
            }
        }
        if (out.contains("write")) {
            out.add("append");
        }
        return out;
    }

    /** The BPF allow-list of a model: what BPF recorded (nothing at all when BPF recorded nothing). */
    public static BpfResult bpfAllowList(DynamicResult result) {
        BpfResult b = result == null ? null : result.bpf();
        return b != null ? b : new BpfResult(List.of(), List.of(), List.of(), null, List.of(), List.of());
    }

    /**
     * A DefenseInDepth policy enforcing a model's allow-lists: the Seccomp allow-list when {@code seccomp} is set, the
     * BPF allow-list when {@code bpf} is set, and the given custom profiles of other enforcers (enforcer id → profile
     * text, e.g. AppArmor's).
     */
    public static VarmorPolicy defenseInDepth(String name, String namespace, DynamicResult result, boolean seccomp,
                                              boolean bpf, Map<String, String> customProfiles, boolean allowViolations) {
        String aaText = customProfiles.get("AppArmor");
        AppArmorProfile aa = aaText == null ? null : new AppArmorProfile("Custom", aaText, null);
        BpfProfile bp = bpf ? new BpfProfile("Custom", bpfAllowList(result)) : null;
        SeccompProfile sc = seccomp ? new SeccompProfile("Custom", seccompAllowList(result), null) : null;
        String enforcer = (aa != null ? "AppArmor" : "") + (bp != null ? "BPF" : "") + (sc != null ? "Seccomp" : "");
        if (enforcer.isEmpty()) {
            throw new IllegalArgumentException("no enforcer can generate a profile from this model");
        }
        DefenseInDepth did = new DefenseInDepth(aa, sc, bp, null, allowViolations ? Boolean.TRUE : null);
        Policy policy = new Policy(enforcer, "DefenseInDepth", null, null, did, null);
        return new VarmorPolicy(Resource.API_VERSION, "VarmorPolicy",
                new ObjectMeta(name, null, namespace, null, null, null, null, null, null, null, null, null, null, null),
                new VarmorPolicySpec(new Target("Pod", name, null, null), policy, null), null);
    }

    /** Whether a policy is DefenseInDepth with some {@code profileType: BehaviorModel} (it needs a model to compile). */
    public static boolean usesBehaviorModel(io.varmor.api.PolicyResource p) {
        Policy pol = p.spec() == null ? null : p.spec().policy();
        DefenseInDepth did = pol == null ? null : pol.defenseInDepth();
        return did != null && "DefenseInDepth".equals(pol.mode())
                && ((did.appArmor() != null && "BehaviorModel".equals(did.appArmor().profileType()))
                || (did.seccomp() != null && "BehaviorModel".equals(did.seccomp().profileType()))
                || (did.bpf() != null && "BehaviorModel".equals(did.bpf().profileType())));
    }

    /**
     * {@code p} with each {@code profileType: BehaviorModel} of its DefenseInDepth replaced by {@code Custom} with the
     * given profile text (raw rules kept) or, for BPF, the model's allow-list; {@code p} itself when it uses no model.
     *
     * @throws IllegalArgumentException when a needed text or allow-list is null
     */
    public static io.varmor.api.PolicyResource resolveBehaviorModel(io.varmor.api.PolicyResource p, String appArmorText,
                                                                    String seccompText, BpfResult bpfAllowList) {
        if (!usesBehaviorModel(p)) {
            return p;
        }
        Policy pol = p.spec().policy();
        DefenseInDepth did = pol.defenseInDepth();
        AppArmorProfile a = did.appArmor();
        if (a != null && "BehaviorModel".equals(a.profileType())) {
            if (appArmorText == null) {
                throw new IllegalArgumentException("the model has no AppArmor profile (was AppArmor modelled?)");
            }
            a = new AppArmorProfile("Custom", appArmorText, a.appArmorRawRules());
        }
        SeccompProfile s = did.seccomp();
        if (s != null && "BehaviorModel".equals(s.profileType())) {
            if (seccompText == null) {
                throw new IllegalArgumentException("the model has no Seccomp profile (was Seccomp modelled?)");
            }
            s = new SeccompProfile("Custom", seccompText, s.syscallRawRules());
        }
        BpfProfile b = did.bpf();
        if (b != null && "BehaviorModel".equals(b.profileType())) {
            if (bpfAllowList == null) {
                throw new IllegalArgumentException("the model has no BPF behaviour (was BPF modelled?)");
            }
            b = new BpfProfile("Custom", bpfAllowList);
        }
        Policy replaced = new Policy(pol.enforcer(), pol.mode(), pol.enhanceProtect(), pol.modelingOptions(),
                new DefenseInDepth(a, s, b, did.networkProxy(), did.allowViolations()), pol.networkProxyConfig());
        VarmorPolicySpec spec = new VarmorPolicySpec(p.spec().target(), replaced, p.spec().updateExistingWorkloads());
        return p instanceof io.varmor.api.VarmorClusterPolicy c
                ? new io.varmor.api.VarmorClusterPolicy(c.apiVersion(), c.kind(), c.metadata(), spec, c.status())
                : new VarmorPolicy(p.apiVersion(), p.kind(), p.metadata(), spec, p.status());
    }

    /**
     * Stand-ins for a model that does not exist yet, so that admission can check everything else of a policy that
     * will be compiled against its model later: an AppArmor profile that allows nothing, a Seccomp profile that
     * denies everything, an empty BPF allow-list.
     */
    public static io.varmor.api.PolicyResource withPlaceholderModel(io.varmor.api.PolicyResource p, String profileName) {
        return resolveBehaviorModel(p, "profile " + profileName + " flags=(attach_disconnected,mediate_deleted) {\n}\n",
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\"}", bpfAllowList(null));
    }
}
