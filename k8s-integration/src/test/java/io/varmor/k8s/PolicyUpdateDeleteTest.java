package io.varmor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.varmor.api.meta.Condition;
import io.varmor.k8s.model.VarmorPolicyResource;
import io.varmor.k8s.support.Await;
import io.varmor.k8s.support.FakeEnforcer;
import io.varmor.k8s.support.Policies;
import io.varmor.k8s.support.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Update and delete paths: status reset and reload, invalid policies, finalizers, updateExistingWorkloads (case 7). */
class PolicyUpdateDeleteTest {
    static final Duration T = Duration.ofSeconds(20);
    @TempDir
    static Path tmp;
    static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(tmp);
        cluster.agentDaemonSet(2);
        cluster.startOperator("op-1", c -> c.statusUpdateCycle(Duration.ofMillis(500)));
        Await.until("leadership", T, () -> cluster.leader() != null);
        cluster.startAgent("node-a", "AppArmor", "BPF", "Seccomp");
        cluster.startAgent("node-b", "AppArmor", "BPF", "Seccomp");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static VarmorPolicyResource get(String name) {
        return Policies.get(cluster.admin, "demo", name);
    }

    static Condition condition(VarmorPolicyResource p, String type) {
        return p.getStatus().conditions().stream().filter(c -> c.type().equals(type)).findFirst().orElse(null);
    }

    @Test
    void thePolicyStaysPendingUntilEveryDesiredAgentLoadedTheProfile() {
        cluster.agentDaemonSet(3);
        try {
            Policies.create(cluster.admin, Policies.vpol("demo", "pending-1", "AppArmor", "AlwaysAllow", ""));
            Await.until("2/3 loaded", T, () -> {
                Condition r = condition(get("pending-1"), "Ready");
                return r != null && r.message().startsWith("2/3");
            });
            assertEquals("Pending", Policies.phase(get("pending-1")));
            assertFalse(get("pending-1").getStatus().ready());
            assertEquals("Processing", condition(get("pending-1"), "Ready").reason());
            Await.until("the periodic check asks the agents to re-process the lagging profile", T, () -> {
                var a = Policies.profile(cluster.admin, "demo", "varmor-demo-pending-1").getMetadata().getAnnotations();
                return a != null && a.containsKey("profile-reconcile-counter");
            });
            Await.until("both agents re-processed it", T, () -> cluster.enforcer("AppArmor").calls.stream()
                    .filter(c -> c.op().equals("apply") && c.profile().equals("varmor-demo-pending-1")).count() >= 4);
        } finally {
            cluster.agentDaemonSet(2);
        }
        Await.until("Protecting once the DaemonSet wants 2", T, () -> "Protecting".equals(Policies.phase(get("pending-1"))));
    }

    @Test
    void anUpdateRewritesTheProfileMarksItUpdatedAndReloadsItOnEveryNode() {
        Policies.create(cluster.admin, Policies.vpol("demo", "upd-1", "AppArmor", "AlwaysAllow", ""));
        Await.until("Protecting", T, () -> "Protecting".equals(Policies.phase(get("upd-1"))));
        String before = Policies.profile(cluster.admin, "demo", "varmor-demo-upd-1").getSpec().profile().appArmor();
        cluster.admin.resources(VarmorPolicyResource.class).inNamespace("demo").withName("upd-1").edit(p -> {
            p.setSpec(new io.varmor.api.policy.VarmorPolicySpec(p.getSpec().target(),
                    new io.varmor.api.policy.Policy("AppArmor", "RuntimeDefault", null, null, null, null), null));
            return p;
        });
        Await.until("profile rewritten", T, () -> !before.equals(Policies.profile(cluster.admin, "demo", "varmor-demo-upd-1").getSpec().profile().appArmor()));
        Await.until("Updated and Protecting again", T, () -> {
            VarmorPolicyResource p = get("upd-1");
            return condition(p, "Updated") != null && "Protecting".equals(Policies.phase(p));
        });
        assertEquals("True", condition(get("upd-1"), "Updated").status());
        FakeEnforcer aa = cluster.enforcer("AppArmor");
        String after = Policies.profile(cluster.admin, "demo", "varmor-demo-upd-1").getSpec().profile().appArmor();
        assertEquals(2, aa.calls.stream().filter(c -> c.op().equals("apply") && c.content().equals(after)).count(),
                "both nodes loaded the new AppArmor profile");
    }

    @Test
    void anInvalidPolicyGetsPhaseErrorWithTheFieldLocatedReasonAndNoProfile() {
        Policies.create(cluster.admin, Policies.vpol("demo", "bad-1", "AppArmor", "EnhanceProtect",
                "    enhanceProtect:\n      hardeningRules: [disable-shel]\n"));
        Await.until("Error", T, () -> "Error".equals(Policies.phase(get("bad-1"))));
        Condition created = condition(get("bad-1"), "Created");
        assertEquals("False", created.status());
        assertEquals("Forbidden", created.reason());
        assertTrue(created.message().contains("spec.policy.enhanceProtect.hardeningRules[0]") && created.message().contains("disable-shell"),
                created.message());
        assertNull(Policies.profile(cluster.admin, "demo", "varmor-demo-bad-1"));
        assertNull(cluster.leader().policyIndex().match("Deployment", "demo", "x", Map.of("app", "bad-1")).orElse(null),
                "the webhook does not apply a policy whose profile does not exist");
    }

    @Test
    void deletingAPolicyRemovesTheFinalizerAndProfileAndRollsWorkloadsBackWhenAsked() throws Exception {
        Deployment d = new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("demo")
                .withLabels(Map.of("app", "del-1", "sandbox.varmor.org/enable", "true")).endMetadata()
                .withNewSpec().withNewTemplate().withNewMetadata().withLabels(Map.of("app", "del-1"))
                .withAnnotations(Map.of("container.seccomp.security.beta.varmor.org/c1", "unconfined")).endMetadata()
                .withNewSpec().addNewContainer().withName("c0").withImage("busybox").endContainer()
                .addNewContainer().withName("c1").withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build();
        cluster.admin.apps().deployments().inNamespace("demo").resource(d).create();
        Policies.create(cluster.admin, Policies.vpol("demo", "del-1", "AppArmorSeccomp", "EnhanceProtect",
                "    enhanceProtect:\n      hardeningRules: [disable-cap-privileged]\n  updateExistingWorkloads: true\n"));
        Await.until("Protecting", T, () -> "Protecting".equals(Policies.phase(get("del-1"))));
        Deployment rolled = cluster.admin.apps().deployments().inNamespace("demo").withName("web").get();
        String firstRoll = rolled.getSpec().getTemplate().getMetadata().getAnnotations().get("controller.varmor.org/restartedAt");
        assertNotNull(firstRoll, "created policy rolled the deployment");
        // what the mutating webhook would have added on the roll
        cluster.admin.apps().deployments().inNamespace("demo").withName("web").edit(x -> {
            var a = new java.util.HashMap<>(x.getSpec().getTemplate().getMetadata().getAnnotations());
            a.put("container.seccomp.security.beta.varmor.org/c0", "localhost/varmor-demo-del-1");
            a.put("container.apparmor.security.beta.varmor.org/c0", "localhost/varmor-demo-del-1");
            a.put("container.apparmor.security.beta.varmor.org/c1", "localhost/varmor-demo-del-1");
            a.put("controller.varmor.org/restartedAt", "2000-01-01T00:00:00Z");
            x.getSpec().getTemplate().getMetadata().setAnnotations(a);
            x.getSpec().getTemplate().getSpec().getContainers().get(0).setSecurityContext(new io.fabric8.kubernetes.api.model.SecurityContextBuilder()
                    .withNewSeccompProfile().withType("Localhost").withLocalhostProfile("varmor-demo-del-1").endSeccompProfile()
                    .withNewAppArmorProfile().withType("Localhost").withLocalhostProfile("varmor-demo-del-1").endAppArmorProfile().build());
            return x;
        });
        assertTrue(Files.exists(tmp.resolve("node-a/varmor-demo-del-1")));
        cluster.admin.resources(VarmorPolicyResource.class).inNamespace("demo").withName("del-1").delete();
        Await.until("ArmorProfile removed", T, () -> Policies.profile(cluster.admin, "demo", "varmor-demo-del-1") == null);
        Await.until("seccomp files removed on both nodes", T,
                () -> !Files.exists(tmp.resolve("node-a/varmor-demo-del-1")) && !Files.exists(tmp.resolve("node-b/varmor-demo-del-1")));
        Await.until("AppArmor profile released on both nodes", T, () -> cluster.enforcer("AppArmor").calls.stream()
                .filter(c -> c.op().equals("release") && c.profile().equals("varmor-demo-del-1")).count() >= 2);
        Deployment after = cluster.admin.apps().deployments().inNamespace("demo").withName("web").get();
        Map<String, String> a = after.getSpec().getTemplate().getMetadata().getAnnotations();
        assertNotEquals("2000-01-01T00:00:00Z", a.get("controller.varmor.org/restartedAt"), "rolled again on delete");
        assertFalse(a.containsKey("container.seccomp.security.beta.varmor.org/c0"));
        assertFalse(a.containsKey("container.apparmor.security.beta.varmor.org/c0"));
        assertEquals("unconfined", a.get("container.seccomp.security.beta.varmor.org/c1"), "opt-outs are kept");
        var sc = after.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext();
        assertNull(sc.getSeccompProfile());
        assertNull(sc.getAppArmorProfile());
    }
}
