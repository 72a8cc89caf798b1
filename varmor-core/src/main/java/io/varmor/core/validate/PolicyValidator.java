package io.varmor.core.validate;

import io.varmor.api.PolicyResource;
import io.varmor.api.diag.ErrorId;
import io.varmor.api.diag.Suggestions;
import io.varmor.api.policy.DefenseInDepth;
import io.varmor.api.policy.NetworkProxyConfig;
import io.varmor.api.policy.NetworkProxyEgress;
import io.varmor.api.policy.NetworkProxyRules;
import io.varmor.api.policy.Policy;
import io.varmor.api.policy.Target;
import io.varmor.api.policy.VarmorPolicySpec;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.ir.Mode;
import io.varmor.core.plugin.EnforcerNames;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The structural rules of vArmor's validating webhook (spec §2.8), with field paths. Rule contents are checked by the IR builder. */
public final class PolicyValidator {
    public static final int MAX_PROFILE_NAME = 63;
    static final List<String> KINDS = List.of("Deployment", "StatefulSet", "DaemonSet", "Pod");

    private PolicyValidator() {}

    /** Profile name as vArmor derives it. */
    public static String profileName(PolicyResource p, String varmorNamespace) {
        String name = p.metadata() == null || p.metadata().name() == null ? "" : p.metadata().name();
        if (p.clusterScoped()) {
            return ("varmor-cluster-" + varmorNamespace + "-" + name).toLowerCase(Locale.ROOT);
        }
        return ("varmor-" + namespace(p) + "-" + name).toLowerCase(Locale.ROOT);
    }

    public static String namespace(PolicyResource p) {
        String ns = p.metadata() == null ? null : p.metadata().namespace();
        return ns == null || ns.isEmpty() ? "default" : ns;
    }

    /** Checks one policy; returns the parsed enforcer names and mode when those are valid. */
    public static Optional<Checked> validate(PolicyResource p, CompileOptions o, Collection<String> knownEnforcers, Problems out) {
        if (p.metadata() == null || p.metadata().name() == null || p.metadata().name().isEmpty()) {
            out.error(ErrorId.MISSING_FIELD, "metadata.name", "metadata.name is required");
        } else {
            String profile = profileName(p, o.varmorNamespace());
            if (profile.length() > MAX_PROFILE_NAME) {
                int max = p.metadata().name().length() - (profile.length() - MAX_PROFILE_NAME);
                out.error(ErrorId.PROFILE_NAME_TOO_LONG, "metadata.name", "the profile name \"" + profile + "\" is "
                        + profile.length() + " characters long (max " + MAX_PROFILE_NAME + "); shorten the policy name to at most "
                        + Math.max(max, 0) + " characters");
            }
        }
        VarmorPolicySpec spec = p.spec();
        if (spec == null) {
            out.error(ErrorId.MISSING_FIELD, "spec", "spec is required");
            return Optional.empty();
        }
        target(spec.target(), out);
        Policy pol = spec.policy();
        if (pol == null) {
            out.error(ErrorId.MISSING_FIELD, "spec.policy", "spec.policy is required");
            return Optional.empty();
        }
        Set<String> enforcers = Set.of();
        if (pol.enforcer() == null || pol.enforcer().isBlank()) {
            out.error(ErrorId.MISSING_FIELD, "spec.policy.enforcer", "spec.policy.enforcer is required");
        } else {
            EnforcerNames.Result r = EnforcerNames.parse(pol.enforcer(), knownEnforcers);
            if (r.unparsed().isPresent()) {
                out.error(ErrorId.UNKNOWN_ENFORCER, "spec.policy.enforcer", "\"" + r.unparsed().get()
                        + "\" names no enforcer; known: " + String.join(", ", knownEnforcers) + " (concatenate to combine, e.g. AppArmorBPFSeccomp)");
            }
            enforcers = r.names();
        }
        Optional<Mode> mode = Optional.empty();
        if (pol.mode() == null) {
            out.error(ErrorId.MISSING_FIELD, "spec.policy.mode", "spec.policy.mode is required");
        } else {
            mode = Mode.parse(pol.mode());
            if (mode.isEmpty()) {
                out.error(ErrorId.UNKNOWN_MODE, "spec.policy.mode", "unknown mode \"" + pol.mode() + "\"; expected one of "
                        + Mode.wireNames() + Suggestions.hint(pol.mode(), Mode.wireNames()));
            }
        }
        mode.ifPresent(m -> modeOptions(m, pol, o, enforcersLower(pol), out));
        networkProxy(pol.networkProxyConfig(), out);
        if (pol.enhanceProtect() != null) {
            egress(pol.enhanceProtect().networkProxyRawRules(), "spec.policy.enhanceProtect.networkProxyRawRules", out);
        }
        if (pol.defenseInDepth() != null) {
            egress(pol.defenseInDepth().networkProxy(), "spec.policy.defenseInDepth.networkProxy", out);
        }
        if (mode.isPresent() && !enforcers.isEmpty()) {
            return Optional.of(new Checked(enforcers, mode.get()));
        }
        return Optional.empty();
    }

    /** The enforcer names and mode of a policy that passed structural checks. */
    public record Checked(Set<String> enforcers, Mode mode) {}

    private static String enforcersLower(Policy pol) {
        return pol.enforcer() == null ? "" : pol.enforcer().toLowerCase(Locale.ROOT);
    }

    private static void target(Target t, Problems out) {
        if (t == null) {
            out.error(ErrorId.MISSING_FIELD, "spec.target", "spec.target is required");
            return;
        }
        if (t.kind() == null || !KINDS.contains(t.kind())) {
            out.error(ErrorId.TARGET_KIND, "spec.target.kind", "target.kind must be one of " + KINDS
                    + (t.kind() == null ? " (missing)" : ", found \"" + t.kind() + "\"" + Suggestions.hint(t.kind(), KINDS)));
        }
        boolean name = t.name() != null && !t.name().isEmpty();
        boolean selector = t.selector() != null;
        if (name == selector) {
            out.error(ErrorId.TARGET_NAME_SELECTOR, "spec.target", name
                    ? "target.name and target.selector are mutually exclusive"
                    : "one of target.name and target.selector is required");
        }
    }

    private static void modeOptions(Mode m, Policy pol, CompileOptions o, String enforcer, Problems out) {
        switch (m) {
            case ENHANCE_PROTECT -> {
                if (pol.enhanceProtect() == null) {
                    out.error(ErrorId.MODE_OPTIONS_MISSING, "spec.policy", "mode EnhanceProtect requires spec.policy.enhanceProtect");
                }
            }
            case DEFENSE_IN_DEPTH -> {
                if (pol.defenseInDepth() == null) {
                    out.error(ErrorId.MODE_OPTIONS_MISSING, "spec.policy", "mode DefenseInDepth requires spec.policy.defenseInDepth");
                } else {
                    defenseInDepth(pol.defenseInDepth(), enforcer, out);
                }
            }
            case BEHAVIOR_MODELING -> {
                if (!o.behaviorModelingEnabled()) {
                    out.error(ErrorId.BEHAVIOR_MODELING_DISABLED, "spec.policy.mode",
                            "mode BehaviorModeling is disabled (enable the behaviour-modelling feature)");
                }
                if (pol.modelingOptions() == null) {
                    out.error(ErrorId.MODE_OPTIONS_MISSING, "spec.policy", "mode BehaviorModeling requires spec.policy.modelingOptions");
                } else if (pol.modelingOptions().duration() == null || pol.modelingOptions().duration() <= 0) {
                    out.error(ErrorId.MODE_OPTIONS_MISSING, "spec.policy.modelingOptions.duration",
                            "modelingOptions.duration must be a positive number of minutes");
                }
                if (enforcer.contains("networkproxy")) {
                    out.error(ErrorId.MODE_ENFORCER_CONFLICT, "spec.policy.enforcer",
                            "mode BehaviorModeling cannot be used with the NetworkProxy enforcer");
                }
            }
            default -> { }
        }
    }

    private static void defenseInDepth(DefenseInDepth d, String enforcer, Problems out) {
        if (d.appArmor() != null) {
            profileType(d.appArmor().profileType(), d.appArmor().customProfile(), "spec.policy.defenseInDepth.appArmor", out);
        }
        if (d.seccomp() != null) {
            profileType(d.seccomp().profileType(), d.seccomp().customProfile(), "spec.policy.defenseInDepth.seccomp", out);
        }
        if (d.bpf() != null) {
            String path = "spec.policy.defenseInDepth.bpf";
            String type = d.bpf().profileType();
            if (!"BehaviorModel".equals(type) && !"Custom".equals(type)) {
                out.error(ErrorId.BAD_PROFILE_TYPE, path + ".profileType", "profileType must be BehaviorModel or Custom"
                        + (type == null ? " (missing)" : ", found \"" + type + "\""));
            } else if ("Custom".equals(type) && d.bpf().allowList() == null) {
                out.error(ErrorId.MISSING_FIELD, path + ".allowList", "profileType Custom requires allowList");
            }
            if (!enforcer.contains("bpf")) {
                out.error(ErrorId.MODE_ENFORCER_CONFLICT, path, "defenseInDepth.bpf needs the BPF enforcer in spec.policy.enforcer");
            }
        }
        if (enforcer.contains("bpf") && d.bpf() == null) {
            out.error(ErrorId.MODE_OPTIONS_MISSING, "spec.policy.defenseInDepth",
                    "the BPF enforcer needs defenseInDepth.bpf (profileType BehaviorModel, or Custom with an allowList)");
        }
        if (enforcer.contains("apparmor") && d.appArmor() == null) {
            out.error(ErrorId.MODE_OPTIONS_MISSING, "spec.policy.defenseInDepth", "the AppArmor enforcer needs defenseInDepth.appArmor");
        }
        if (enforcer.contains("seccomp") && d.seccomp() == null) {
            out.error(ErrorId.MODE_OPTIONS_MISSING, "spec.policy.defenseInDepth", "the Seccomp enforcer needs defenseInDepth.seccomp");
        }
    }

    private static void profileType(String type, String custom, String path, Problems out) {
        if (!"BehaviorModel".equals(type) && !"Custom".equals(type)) {
            out.error(ErrorId.BAD_PROFILE_TYPE, path + ".profileType", "profileType must be BehaviorModel or Custom"
                    + (type == null ? " (missing)" : ", found \"" + type + "\""));
        } else if ("Custom".equals(type) && (custom == null || custom.isBlank())) {
            out.error(ErrorId.MISSING_FIELD, path + ".customProfile", "profileType Custom requires customProfile");
        }
    }

    private static void networkProxy(NetworkProxyConfig c, Problems out) {
        if (c == null) {
            return;
        }
        int port = c.proxyPort() == null ? 15001 : c.proxyPort();
        int admin = c.proxyAdminPort() == null ? 15000 : c.proxyAdminPort();
        if (port == admin) {
            out.error(ErrorId.NETWORK_PROXY, "spec.policy.networkProxyConfig.proxyAdminPort",
                    "proxyPort and proxyAdminPort must differ (both " + port + ")");
        }
        for (String f : new String[] {"proxyPort", "proxyAdminPort"}) {
            int v = f.equals("proxyPort") ? port : admin;
            if (v < 1 || v > 65535) {
                out.error(ErrorId.NETWORK_PROXY, "spec.policy.networkProxyConfig." + f, f + " must be within 1-65535");
            }
        }
        if (c.mitm() != null && (c.mitm().domains() == null || c.mitm().domains().isEmpty())) {
            out.error(ErrorId.NETWORK_PROXY, "spec.policy.networkProxyConfig.mitm.domains", "mitm needs at least one domain");
        }
        if (c.mitm() != null && c.mitm().headerMutations() != null) {
            for (int i = 0; i < c.mitm().headerMutations().size(); i++) {
                String d = c.mitm().headerMutations().get(i).domain();
                if (c.mitm().domains() == null || !c.mitm().domains().contains(d)) {
                    out.error(ErrorId.NETWORK_PROXY, "spec.policy.networkProxyConfig.mitm.headerMutations[" + i + "].domain",
                            "header mutation domain \"" + d + "\" is not one of mitm.domains");
                }
            }
        }
    }

    private static void egress(NetworkProxyRules rules, String path, Problems out) {
        if (rules == null || rules.egress() == null) {
            return;
        }
        NetworkProxyEgress e = rules.egress();
        String action = e.defaultAction() == null ? "" : e.defaultAction().toLowerCase(Locale.ROOT);
        if (!action.equals("allow") && !action.equals("deny")) {
            out.error(ErrorId.NETWORK_PROXY, path + ".egress.defaultAction", "egress.defaultAction must be allow or deny"
                    + (e.defaultAction() == null ? " (missing)" : ", found \"" + e.defaultAction() + "\""));
        }
        if (e.rules() != null) {
            for (int i = 0; i < e.rules().size(); i++) {
                qualifiers(e.rules().get(i).qualifiers(), path + ".egress.rules[" + i + "].qualifiers", out);
            }
        }
        if (e.httpRules() != null) {
            for (int i = 0; i < e.httpRules().size(); i++) {
                qualifiers(e.httpRules().get(i).qualifiers(), path + ".egress.httpRules[" + i + "].qualifiers", out);
            }
        }
    }

    private static void qualifiers(List<String> q, String path, Problems out) {
        if (q == null || q.isEmpty()) {
            out.error(ErrorId.BAD_QUALIFIER, path, "qualifiers must name allow or deny (and optionally audit)");
            return;
        }
        for (String s : q) {
            if (!List.of("allow", "deny", "audit").contains(s)) {
                out.error(ErrorId.BAD_QUALIFIER, path, "unknown qualifier \"" + s + "\"; expected allow, deny or audit");
            }
        }
        if (q.contains("allow") && q.contains("deny")) {
            out.error(ErrorId.BAD_QUALIFIER, path, "allow and deny are mutually exclusive");
        }
    }

    /** vArmor's update rules: target immutable, AppArmor and Seccomp cannot be removed. */
    public static void validateUpdate(PolicyResource old, PolicyResource updated, Collection<String> known, Problems out) {
        if (old.spec() == null || updated.spec() == null) {
            return;
        }
        if (!java.util.Objects.equals(old.spec().target(), updated.spec().target())) {
            out.error(ErrorId.IMMUTABLE_FIELD, "spec.target", "spec.target cannot change; create a new policy instead");
        }
        if (old.spec().policy() != null && updated.spec().policy() != null) {
            Set<String> before = EnforcerNames.parse(old.spec().policy().enforcer(), known).names();
            Set<String> after = EnforcerNames.parse(updated.spec().policy().enforcer(), known).names();
            for (String e : List.of("AppArmor", "Seccomp")) {
                if (before.contains(e) && !after.contains(e)) {
                    out.error(ErrorId.IMMUTABLE_FIELD, "spec.policy.enforcer", "the " + e
                            + " enforcer cannot be removed from a policy (running workloads reference its profile)");
                }
            }
        }
    }
}
