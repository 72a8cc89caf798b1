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
import java.util.List;
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
                enforcer: AppArmorBPFSeccomp
                mode: DefenseInDepth
                defenseInDepth:
                  appArmor:
                    profileType: BehaviorModel
                    appArmorRawRules: [{rules: "deny /etc/shadow r,"}]
                  seccomp: {profileType: BehaviorModel}
                  bpf: {profileType: BehaviorModel}
            """;
    final PolicyCompiler compiler = new PolicyCompiler(Plugins.discover(), CompileOptions.DEFAULT);

    @Test
    void unresolvedItIsRefusedResolvedItCarriesTheModelsProfiles() {
        PolicyResource p = Manifests.parseOne(POLICY, VarmorPolicy.class);
        assertTrue(ModelPolicies.usesBehaviorModel(p));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> compiler.compile(p, new SourceMap()));
        assertTrue(e.getMessage().contains("BehaviorModel"), e.getMessage());

        CompiledPolicy placeholder = compiler.compile(ModelPolicies.withPlaceholderModel(p, "varmor-demo-web"), new SourceMap());
        assertTrue(placeholder.artifacts().containsKey("AppArmor") && placeholder.artifacts().containsKey("Seccomp")
                && placeholder.artifacts().containsKey("BPF"));

        String aa = "profile varmor-demo-web flags=(attach_disconnected,mediate_deleted) {\n  /usr/bin/cat rix,\n}\n";
        String sc = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}";
        assertThrows(IllegalArgumentException.class, () -> ModelPolicies.resolveBehaviorModel(p, aa, sc, null),
                "a model without BPF behaviour cannot resolve a BPF allow-list");
        var bpf = new io.varmor.api.model.BpfResult(List.of("/usr/bin/cat"),
                List.of(new io.varmor.api.model.FileAccess("/etc/os-release", null, List.of("read"), null)), List.of(), null,
                List.of(), List.of());
        CompiledPolicy c = compiler.compile(ModelPolicies.resolveBehaviorModel(p, aa, sc, bpf), new SourceMap());
        String tables = c.artifacts().get("BPF").content();
        assertTrue(tables.matches("(?s).*\"allowList\"\\s*:\\s*true.*") && tables.contains("/usr/bin/cat") && tables.contains("/etc/os-release"),
                tables);
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
        assertTrue(ModelPolicies.resolveBehaviorModel(enhance, aa, sc, null) == enhance, "a policy without a model is returned as it is");
    }

    @Test
    void simulationListsWhatABpfAllowListLeavesOut() throws Exception {
        String text = java.nio.file.Files.readString(Fixtures.root().resolve("examples/policies/vpol-bpf-defense-in-depth.yaml"));
        CompiledPolicy c = compiler.compileText(text).get(0);
        var behaviour = new io.varmor.api.model.DynamicResult(null, new io.varmor.api.model.BpfResult(
                List.of("/usr/bin/cat", "/usr/bin/sh"),
                List.of(new io.varmor.api.model.FileAccess("/etc/nginx/nginx.conf", null, List.of("read"), null),
                        new io.varmor.api.model.FileAccess("/proc/1/stat", null, List.of("read"), null),
                        new io.varmor.api.model.FileAccess("/var/log/nginx/access.log", null, List.of("append"), null),
                        new io.varmor.api.model.FileAccess("/etc/nginx/nginx.conf.bak", null, List.of("write"), null)),
                List.of("setuid", "sys_admin"),
                new io.varmor.api.model.BpfNetwork(List.of(
                        new io.varmor.api.model.SocketUse("AF_INET", "SOCK_STREAM", "IPPROTO_TCP"),
                        new io.varmor.api.model.SocketUse("AF_INET", "SOCK_DGRAM", "IPPROTO_UDP")), List.of()),
                List.of(), List.of()), null);
        List<String> findings = io.varmor.core.model.Simulator.simulate(c, behaviour).stream().map(Object::toString).toList();
        String r = " (rule " + ModelPolicies.OUTSIDE_ALLOW_LIST + ")";
        org.junit.jupiter.api.Assertions.assertEquals(List.of("BPF would deny exec /usr/bin/sh" + r,
                "BPF would deny write /etc/nginx/nginx.conf.bak" + r, "BPF would deny capability sys_admin" + r,
                "BPF would deny socket AF_INET SOCK_DGRAM IPPROTO_UDP" + r), findings);
    }
}
