package io.varmor.seccomp.hostreal;

import io.varmor.core.catalog.BuiltinRules;
import io.varmor.core.catalog.Coverage;
import io.varmor.core.catalog.RuleCatalog;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.EnforcerProfile;
import io.varmor.core.spi.RuleDefinition;
import io.varmor.seccomp.SeccompCompiler;
import io.varmor.seccomp.SeccompEnforcer;
import io.varmor.seccomp.SeccompProfile;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Compiles Seccomp EnhanceProtect policies through varmor's real pipeline (YAML → IR → OCI seccomp JSON). */
public final class Policies {
    /** A compiled Seccomp artefact: the enforcer's output, its JSON text, parsed form and syscall → rule origins. */
    public record Compiled(EnforcerProfile artifact, String json, SeccompProfile profile, Map<String, String> origins) {
        /** The profile name a {@code TargetBinding} must carry for the enforcer to find the rule origins. */
        public String profileName() {
            return artifact.fileName().replace(".seccomp.json", "");
        }
    }

    private static final RuleCatalog CATALOG = RuleCatalog.builtin();

    private Policies() {}

    /** Every built-in rule id the Seccomp enforcer covers, in catalogue order. */
    public static List<String> seccompRuleIds() {
        SeccompEnforcer e = new SeccompEnforcer();
        return CATALOG.all().stream().filter(d -> Coverage.verdict(d, e).covered()).map(RuleDefinition::id).toList();
    }

    /** An EnhanceProtect policy with {@code ruleIds} (placed by category) and raw syscall rules given as YAML flow items. */
    public static Compiled enhanceProtect(Collection<String> ruleIds, List<String> rawRulesYaml, boolean allow, boolean audit) {
        List<String> hardening = new ArrayList<>();
        List<String> attack = new ArrayList<>();
        List<String> vuln = new ArrayList<>();
        for (String id : ruleIds) {
            RuleDefinition d = CATALOG.find(id).orElseThrow(() -> new IllegalArgumentException("unknown rule " + id));
            (switch (d.category()) {
                case "hardening" -> hardening;
                case "attack-protection" -> attack;
                default -> vuln;
            }).add(d.id());
        }
        String yaml = """
                apiVersion: crd.varmor.org/v1beta1
                kind: VarmorPolicy
                metadata: {name: hostreal, namespace: test}
                spec:
                  target: {kind: Pod, name: x}
                  policy:
                    enforcer: Seccomp
                    mode: EnhanceProtect
                    enhanceProtect:
                      allowViolations: %s
                      auditViolations: %s
                      hardeningRules: %s
                      attackProtectionRules: [{rules: %s}]
                      vulMitigationRules: %s
                      syscallRawRules: [%s]
                """.formatted(allow, audit, hardening, attack, vuln, String.join(", ", rawRulesYaml));
        return compile(yaml);
    }

    /** Compiles a whole policy document and returns its Seccomp artefact. */
    public static Compiled compile(String yaml) {
        var compiled = new PolicyCompiler(new Plugins(List.of(new SeccompEnforcer()), List.of(new BuiltinRules())),
                CompileOptions.DEFAULT).compileText(yaml).get(0);
        EnforcerProfile p = compiled.artifacts().get("Seccomp");
        if (p == null) {
            throw new IllegalStateException("no Seccomp artefact; warnings: " + compiled.warnings());
        }
        return new Compiled(p, p.content(), SeccompCompiler.parseCustom(p.content()), p.metadata());
    }
}
