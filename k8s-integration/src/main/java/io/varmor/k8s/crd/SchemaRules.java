package io.varmor.k8s.crd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAPI constraints vArmor's controller-gen CRDs lack, by field path. They mirror what {@code varmor-core} rejects
 * anyway (so the CRD never refuses a policy the core would accept), and give {@code kubectl explain} and editors
 * something to show. Everything finer (rule ids, BPF patterns, permissions) stays in the validating webhook, whose
 * messages name the field and the fix.
 */
public final class SchemaRules {
    private final Map<String, Map<String, Object>> byPath = new LinkedHashMap<>();

    private SchemaRules() {}

    /** The rules for the policy kinds, paths relative to the object root. */
    public static SchemaRules policy() {
        SchemaRules r = new SchemaRules();
        r.put("spec", "required", List.of("target", "policy"));
        r.put("spec.target", "required", List.of("kind"));
        r.put("spec.target.kind", "enum", List.of("Deployment", "StatefulSet", "DaemonSet", "Pod"));
        r.put("spec.target.name", "pattern", DNS_SUBDOMAIN);
        r.put("spec.target.name", "maxLength", 253);
        r.put("spec.target.containers[]", "pattern", DNS_LABEL);
        r.put("spec.target.containers[]", "maxLength", 63);
        selector(r, "spec.target.selector");
        r.put("spec.policy", "required", List.of("enforcer", "mode"));
        r.put("spec.policy.enforcer", "pattern", "^[A-Za-z0-9][A-Za-z0-9,+ _-]*$");
        r.put("spec.policy.mode", "enum", List.of("AlwaysAllow", "RuntimeDefault", "EnhanceProtect", "BehaviorModeling", "DefenseInDepth"));
        String ep = "spec.policy.enhanceProtect";
        for (String f : List.of(ep + ".hardeningRules[]", ep + ".vulMitigationRules[]", ep + ".attackProtectionRules[].rules[]")) {
            r.put(f, "pattern", RULE_ID);
        }
        r.put(ep + ".attackProtectionRules[]", "required", List.of("rules"));
        r.put(ep + ".attackProtectionRules[].targets[]", "pattern", "^/");
        r.put(ep + ".appArmorRawRules[]", "required", List.of("rules"));
        r.put(ep + ".appArmorRawRules[].targets[]", "pattern", "^/");
        String bpf = ep + ".bpfRawRules";
        r.put(bpf + ".files[]", "required", List.of("qualifiers", "pattern", "permissions"));
        r.put(bpf + ".processes[]", "required", List.of("qualifiers", "pattern", "permissions"));
        ports(r, bpf + ".network.egress.toDestinations[].ports[]");
        ports(r, bpf + ".network.egress.toPods[].ports[]");
        selector(r, bpf + ".network.egress.toServices[].serviceSelector");
        selector(r, bpf + ".network.egress.toPods[].podSelector");
        r.put(bpf + ".network.egress.toPods[]", "required", List.of("podSelector"));
        syscalls(r, ep + ".syscallRawRules[]");
        networkProxyRules(r, ep + ".networkProxyRawRules");
        r.put("spec.policy.modelingOptions", "required", List.of("duration"));
        String did = "spec.policy.defenseInDepth";
        for (String e : List.of("appArmor", "seccomp", "bpf")) {
            r.put(did + "." + e, "required", List.of("profileType"));
            r.put(did + "." + e + ".profileType", "enum", List.of("BehaviorModel", "Custom"));
        }
        r.put(did + ".appArmor.appArmorRawRules[]", "required", List.of("rules"));
        syscalls(r, did + ".seccomp.syscallRawRules[]");
        networkProxyRules(r, did + ".networkProxy");
        String np = "spec.policy.networkProxyConfig";
        r.put(np + ".proxyPort", "minimum", 1);
        r.put(np + ".proxyPort", "maximum", 65535);
        r.put(np + ".proxyAdminPort", "minimum", 1);
        r.put(np + ".proxyAdminPort", "maximum", 65535);
        r.put(np + ".proxyUID", "minimum", 0);
        status(r, "status");
        r.put("status.phase", "enum", List.of("Pending", "Modeling", "Completed", "Protecting", "Error", "Failed", "Unknown", "Unchanged"));
        return r;
    }

    /** The rules for ArmorProfile. */
    public static SchemaRules armorProfile() {
        SchemaRules r = new SchemaRules();
        r.put("spec", "required", List.of("target", "profile"));
        r.put("spec.target.kind", "enum", List.of("Deployment", "StatefulSet", "DaemonSet", "Pod"));
        selector(r, "spec.target.selector");
        r.put("spec.profile", "required", List.of("name", "enforcer", "mode"));
        r.put("spec.profile.mode", "enum", List.of("enforce", "complain"));
        r.put("spec.profile.name", "maxLength", 63);
        r.put("spec.behaviorModeling.duration", "minimum", 0);
        status(r, "status");
        r.put("status.desiredNumberLoaded", "minimum", 0);
        r.put("status.currentNumberLoaded", "minimum", 0);
        return r;
    }

    /** The rules for ArmorProfileModel. */
    public static SchemaRules armorProfileModel() {
        SchemaRules r = new SchemaRules();
        r.put("storageType", "enum", List.of("CRDInternal", "LocalDisk", "PersistentVolume"));
        r.put("data.profile.mode", "enum", List.of("enforce", "complain"));
        status(r, "status");
        return r;
    }

    static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    static final String RULE_ID = "^[A-Za-z0-9][A-Za-z0-9_.-]*$";

    private static void selector(SchemaRules r, String path) {
        r.put(path + ".matchExpressions[]", "required", List.of("key", "operator"));
        r.put(path + ".matchExpressions[].operator", "enum", List.of("In", "NotIn", "Exists", "DoesNotExist"));
    }

    private static void ports(SchemaRules r, String path) {
        r.put(path, "required", List.of("port"));
        r.put(path + ".port", "minimum", 0);
        r.put(path + ".port", "maximum", 65535);
        r.put(path + ".endPort", "minimum", 0);
        r.put(path + ".endPort", "maximum", 65535);
    }

    private static void syscalls(SchemaRules r, String path) {
        r.put(path, "required", List.of("names", "action"));
        r.put(path + ".action", "enum", List.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
                "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY"));
        r.put(path + ".args[]", "required", List.of("index", "value", "op"));
        r.put(path + ".args[].index", "minimum", 0);
        r.put(path + ".args[].index", "maximum", 5);
        r.put(path + ".args[].op", "enum", List.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
                "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"));
    }

    private static void networkProxyRules(SchemaRules r, String path) {
        r.put(path + ".egress", "required", List.of("defaultAction"));
        r.put(path + ".egress.defaultAction", "pattern", "^(?i)(allow|deny)$");
        for (String rules : List.of(".egress.rules[]", ".egress.httpRules[]")) {
            r.put(path + rules, "required", List.of("qualifiers"));
            r.put(path + rules + ".qualifiers[]", "enum", List.of("allow", "deny", "audit"));
        }
        ports(r, path + ".egress.rules[].ports[]");
        ports(r, path + ".egress.httpRules[].match.ports[]");
    }

    private static void status(SchemaRules r, String path) {
        r.put(path + ".conditions[]", "required", List.of("type", "status"));
        r.put(path + ".conditions[].status", "enum", List.of("True", "False", "Unknown"));
    }

    private void put(String path, String key, Object value) {
        byPath.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(key, value);
    }

    Set<String> paths() {
        return byPath.keySet();
    }

    void apply(String path, Map<String, Object> schema) {
        Map<String, Object> extra = byPath.get(path);
        if (extra != null) {
            schema.putAll(extra);
        }
    }
}
