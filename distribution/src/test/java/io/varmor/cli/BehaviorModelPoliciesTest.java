package io.varmor.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.PolicyResource;
import io.varmor.api.VarmorPolicy;
import io.varmor.api.diag.InvalidInputException;
import io.varmor.api.io.Manifests;
import io.varmor.api.io.SourceMap;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.model.ModelPolicies;
import io.varmor.core.plugin.Plugins;
import org.junit.jupiter.api.Test;

/**
 * DefenseInDepth with {@code profileType: BehaviorModel}, with the real enforcers: it compiles only against a model
 * (the operator resolves it); admission checks the rest of it against stand-ins; a resolved policy carries the
 * model's profiles and keeps its raw rules.
 */
class BehaviorModelPoliciesTest {
    static final String POLICY = """
            apiVersion: crd.varmor.org/v1beta1
            kind: VarmorPolicy
            metadata: {name: web, namespace: demo}
            spec:
              target: {kind: Deployment, name: web}
              policy:
                enforcer: AppArmorSeccomp
                mode: DefenseInDepth
                defenseInDepth:
                  appArmor:
                    profileType: BehaviorModel
                    appArmorRawRules: [{rules: "deny /etc/shadow r,"}]
                  seccomp: {profileType: BehaviorModel}
            """;
    final PolicyCompiler compiler = new PolicyCompiler(Plugins.discover(), CompileOptions.DEFAULT);

    @Test
    void unresolvedItIsRefusedResolvedItCarriesTheModelsProfiles() {
        PolicyResource p = Manifests.parseOne(POLICY, VarmorPolicy.class);
        assertTrue(ModelPolicies.usesBehaviorModel(p));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> compiler.compile(p, new SourceMap()));
        assertTrue(e.getMessage().contains("BehaviorModel"), e.getMessage());

        CompiledPolicy placeholder = compiler.compile(ModelPolicies.withPlaceholderModel(p, "varmor-demo-web"), new SourceMap());
        assertTrue(placeholder.artifacts().containsKey("AppArmor") && placeholder.artifacts().containsKey("Seccomp"));

        String aa = "profile varmor-demo-web flags=(attach_disconnected,mediate_deleted) {\n  /usr/bin/cat rix,\n}\n";
        String sc = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}";
        CompiledPolicy c = compiler.compile(ModelPolicies.resolveBehaviorModel(p, aa, sc), new SourceMap());
        String profile = c.artifacts().get("AppArmor").content();
        assertTrue(profile.contains("/usr/bin/cat rix,") && profile.contains("deny /etc/shadow r,"), profile);
        assertTrue(c.artifacts().get("Seccomp").content().contains("getppid"), c.artifacts().get("Seccomp").content());
        PolicyResource enhance = Manifests.parseOne("""
                apiVersion: crd.varmor.org/v1beta1
                kind: VarmorPolicy
                metadata: {name: web, namespace: demo}
                spec:
                  target: {kind: Deployment, name: web}
                  policy: {enforcer: AppArmor, mode: AlwaysAllow}
                """, VarmorPolicy.class);
        assertTrue(!ModelPolicies.usesBehaviorModel(enhance));
        assertTrue(ModelPolicies.resolveBehaviorModel(enhance, aa, sc) == enhance, "a policy without a model is returned as it is");
    }
}
