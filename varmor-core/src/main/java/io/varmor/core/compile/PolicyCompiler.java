package io.varmor.core.compile;

import io.varmor.api.ArmorProfile;
import io.varmor.api.PolicyResource;
import io.varmor.api.Resource;
import io.varmor.api.diag.ErrorId;
import io.varmor.api.diag.InvalidInputException;
import io.varmor.api.io.Manifests;
import io.varmor.api.io.ParsedDocument;
import io.varmor.api.io.SourceMap;
import io.varmor.api.meta.ObjectMeta;
import io.varmor.api.meta.OwnerReference;
import io.varmor.api.profile.ArmorProfileSpec;
import io.varmor.api.profile.BehaviorModeling;
import io.varmor.api.profile.Profile;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.plugin.EnforcerNames;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.EnforcerProfile;
import io.varmor.core.validate.PolicyValidator;
import io.varmor.core.validate.Problems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * policy → validation → IR → each selected enforcer's artefact → {@link ArmorProfile}. Compilation is all-or-nothing:
 * any error throws {@link InvalidInputException} with every problem found, and nothing is produced.
 */
public final class PolicyCompiler {
    /** Finalizer vArmor puts on ArmorProfiles. */
    public static final String FINALIZER = "varmor.org/ap-protection";

    private final Plugins plugins;
    private final CompileOptions options;

    public PolicyCompiler(Plugins plugins, CompileOptions options) {
        this.plugins = plugins;
        this.options = options;
    }

    /** Enforcer names a policy may use: vArmor's plus every plugin's. */
    /** The options this compiler compiles with. */
    public CompileOptions options() {
        return options;
    }

    /** The plugins this compiler compiles with. */
    public Plugins plugins() {
        return plugins;
    }

    public List<String> knownEnforcers() {
        Set<String> s = new LinkedHashSet<>(EnforcerNames.VARMOR);
        s.addAll(EnforcerNames.KNOWN_PLUGINS);
        plugins.enforcers().forEach(e -> s.add(e.id()));
        return List.copyOf(s);
    }

    /** Parses, validates and compiles every policy in a YAML/JSON text. */
    public List<CompiledPolicy> compileText(String text) {
        List<CompiledPolicy> out = new ArrayList<>();
        List<io.varmor.api.diag.Diagnostic> errors = new ArrayList<>();
        for (ParsedDocument d : Manifests.parse(text)) {
            Resource r = d.resource();
            if (!(r instanceof PolicyResource p)) {
                continue;
            }
            try {
                out.add(compile(p, d.sourceMap()));
            } catch (InvalidInputException e) {
                errors.addAll(e.diagnostics());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return out;
    }

    /** Validates and compiles one policy. */
    public CompiledPolicy compile(PolicyResource policy, SourceMap map) {
        Problems problems = new Problems(map);
        Optional<PolicyValidator.Checked> checked = PolicyValidator.validate(policy, options, knownEnforcers(), problems);
        if (checked.isEmpty() || !problems.ok()) {
            if (problems.ok()) {
                throw new IllegalStateException("validation failed without an error");
            }
            // Still expand rules so that unknown rule ids are reported together with structural errors.
            if (policy.spec() != null && policy.spec().policy() != null && policy.spec().policy().enhanceProtect() != null
                    && policy.metadata() != null) {
                tryExpand(policy, problems);
            }
            throw new InvalidInputException(problems.errors());
        }
        Set<String> enforcerIds = checked.get().enforcers();
        IrBuilder builder = new IrBuilder(plugins.catalog(), problems);
        PolicyIR ir = builder.build(policy, enforcerIds, checked.get().mode(), options);
        Map<String, Enforcer> selected = new LinkedHashMap<>();
        for (String id : enforcerIds) {
            Optional<Enforcer> e = plugins.enforcer(id);
            if (e.isPresent()) {
                selected.put(e.get().id(), e.get());
            } else if (id.equals("NetworkProxy")) {
                problems.warn("spec.policy.enforcer", "NetworkProxy rules are kept in the profile but not enforced: no NetworkProxy enforcer plugin is installed");
            } else {
                problems.error(ErrorId.NO_ENFORCER_PLUGIN, "spec.policy.enforcer", "no enforcer provides " + id
                        + " (installed: " + plugins.enforcers().stream().map(Enforcer::id).toList() + ")"
                        + (EnforcerNames.KNOWN_PLUGINS.contains(id) ? "; add its plugin jar with --plugins DIR or VARMOR_PLUGIN_PATH" : ""));
            }
        }
        Map<String, List<String>> coverage = enforceability(ir, selected, builder.originPaths(), problems);
        for (Enforcer e : selected.values()) {
            for (String msg : e.checkCapacity(ir)) {
                problems.error(ErrorId.TOO_MANY_RULES, "spec.policy", e.id() + ": " + msg);
            }
        }
        if (!problems.ok()) {
            throw new InvalidInputException(problems.errors());
        }
        Map<String, EnforcerProfile> artifacts = new TreeMap<>();
        for (Enforcer e : selected.values()) {
            try {
                artifacts.put(e.id(), e.compile(rulesFor(ir, e)));
            } catch (IllegalArgumentException | IllegalStateException ex) {
                problems.error(ErrorId.ENFORCER_REJECTED, "spec.policy", e.id() + ": " + ex.getMessage());
            }
        }
        if (!problems.ok()) {
            throw new InvalidInputException(problems.errors());
        }
        return new CompiledPolicy(armorProfile(policy, ir, artifacts), ir, artifacts, coverage, problems.warnings());
    }

    /** The IR with only the rules {@code e} can enforce: each enforcer translates its share, others cover the rest. */
    static PolicyIR rulesFor(PolicyIR ir, Enforcer e) {
        List<IrRule> mine = ir.rules().stream().filter(r -> e.cannotEnforce(r).isEmpty()).toList();
        if (mine.size() == ir.rules().size()) {
            return ir;
        }
        return new PolicyIR(ir.profileName(), ir.policyKind(), ir.policyNamespace(), ir.policyName(), ir.enforcers(), ir.mode(),
                ir.privileged(), ir.base(), ir.baseDisposition(), ir.complain(), mine, ir.defense());
    }

    private void tryExpand(PolicyResource policy, Problems problems) {
        try {
            var mode = io.varmor.core.ir.Mode.parse(policy.spec().policy().mode()).orElse(io.varmor.core.ir.Mode.ENHANCE_PROTECT);
            if (mode == io.varmor.core.ir.Mode.ENHANCE_PROTECT) {
                new IrBuilder(plugins.catalog(), problems).build(policy, Set.of(), mode, options);
            }
        } catch (RuntimeException ignored) {
            // structural errors already reported
        }
    }

    private static Map<String, List<String>> enforceability(PolicyIR ir, Map<String, Enforcer> selected,
                                                            Map<String, String> originPaths, Problems problems) {
        Map<String, List<String>> coverage = new LinkedHashMap<>();
        Set<String> reported = new LinkedHashSet<>();
        for (IrRule rule : ir.rules()) {
            List<String> by = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            for (Enforcer e : selected.values()) {
                Optional<String> why = e.cannotEnforce(rule);
                if (why.isEmpty()) {
                    by.add(e.id());
                } else {
                    reasons.add(why.get());
                }
            }
            coverage.merge(rule.origin(), by, (a, b) -> a.stream().filter(b::contains).toList());
            if (by.isEmpty() && !selected.isEmpty() && rule.disposition() != null && reported.add(rule.origin())) {
                String path = originPaths.getOrDefault(rule.origin(), "spec.policy");
                problems.error(ErrorId.RULE_NOT_ENFORCEABLE, path, "rule " + rule.origin() + " cannot be enforced by "
                        + String.join(", ", selected.keySet()) + ": " + String.join("; ", reasons));
            }
        }
        return coverage;
    }

    private ArmorProfile armorProfile(PolicyResource p, PolicyIR ir, Map<String, EnforcerProfile> artifacts) {
        ObjectMeta m = p.metadata();
        String namespace = p.clusterScoped() ? options.varmorNamespace() : PolicyValidator.namespace(p);
        OwnerReference owner = new OwnerReference(Resource.API_VERSION, p.kind(), m.name(), m.uid(), true, true);
        ObjectMeta meta = new ObjectMeta(ir.profileName(), null, namespace, null, null, null, null, null, null,
                m.labels(), null, List.of(owner), List.of(FINALIZER), null);
        Map<String, String> hashes = new TreeMap<>();
        artifacts.forEach((id, a) -> hashes.put(id, a.contentHash()));
        EnforcerProfile aa = artifacts.get("AppArmor");
        EnforcerProfile sc = artifacts.get("Seccomp");
        EnforcerProfile bpf = artifacts.get("BPF");
        Map<String, Object> bpfTables = null;
        if (bpf != null) {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> t = Manifests.json().readValue(bpf.content(), Map.class);
                bpfTables = t;
            } catch (Exception e) {
                throw new IllegalStateException("BPF enforcer produced invalid JSON", e);
            }
        }
        var spec = p.spec();
        BehaviorModeling bm = null;
        if (ir.mode() == io.varmor.core.ir.Mode.BEHAVIOR_MODELING) {
            bm = new BehaviorModeling(true, spec.policy().modelingOptions().duration());
        }
        Profile profile = new Profile(ir.profileName(), spec.policy().enforcer(), ir.complain() ? "complain" : "enforce",
                aa == null ? null : aa.content(), sc == null ? null : sc.content(), bpfTables, hashes);
        return new ArmorProfile(Resource.API_VERSION, "ArmorProfile", meta,
                new ArmorProfileSpec(spec.target(), spec.updateExistingWorkloads(), bm, profile), null);
    }
}
