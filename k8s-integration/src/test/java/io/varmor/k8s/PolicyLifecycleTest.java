package io.varmor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.meta.Condition;
import io.varmor.k8s.model.ArmorProfileResource;
import io.varmor.k8s.model.VarmorClusterPolicyResource;
import io.varmor.k8s.model.VarmorPolicyResource;
import io.varmor.k8s.support.Await;
import io.varmor.k8s.support.Policies;
import io.varmor.k8s.support.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spec §16 cases 1, 2 and 8 on the mock API server: one operator, two in-process agents on two simulated nodes. */
class PolicyLifecycleTest {
    static final Duration T = Duration.ofSeconds(20);
    @TempDir
    static Path tmp;
    static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(tmp);
        cluster.agentDaemonSet(2);
        cluster.startOperator("op-1");
        Await.until("leadership", T, () -> cluster.leader() != null);
        cluster.startAgent("node-a", "AppArmor", "BPF", "Seccomp");
        cluster.startAgent("node-b", "AppArmor", "Seccomp");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aPolicyBecomesAnOwnedArmorProfileAndProtectingOnceBothAgentsLoadedIt() throws Exception {
        Policies.create(cluster.admin, Policies.vpol("demo", "demo-1", "AppArmorSeccomp", "EnhanceProtect",
                "    enhanceProtect:\n      hardeningRules: [disable-cap-privileged]\n"));
        Await.until("Protecting", T, () -> "Protecting".equals(Policies.phase(Policies.get(cluster.admin, "demo", "demo-1"))),
                () -> String.valueOf(Policies.get(cluster.admin, "demo", "demo-1").getStatus()));
        VarmorPolicyResource p = Policies.get(cluster.admin, "demo", "demo-1");
        ArmorProfileResource ap = Policies.profile(cluster.admin, "demo", "varmor-demo-demo-1");
        assertNotNull(ap, "ArmorProfile demo/varmor-demo-demo-1");
        var owner = ap.getMetadata().getOwnerReferences().get(0);
        assertEquals("VarmorPolicy", owner.getKind());
        assertEquals("demo-1", owner.getName());
        assertEquals(p.getMetadata().getUid(), owner.getUid());
        assertTrue(owner.getController());
        assertTrue(ap.getMetadata().getFinalizers().contains("varmor.org/ap-protection"));
        assertEquals("varmor-demo-demo-1", p.getStatus().profileName());
        assertTrue(p.getStatus().ready());
        assertEquals("True", condition(p, "Created").status());
        assertEquals("AllAgentsReady", condition(p, "Ready").reason(), p.getStatus().toString());
        Await.until("ArmorProfile status 2/2", T, () -> {
            var s = Policies.profile(cluster.admin, "demo", "varmor-demo-demo-1").getStatus();
            return s != null && s.desiredNumberLoaded() == 2 && s.currentNumberLoaded() == 2;
        });
        assertTrue(Files.readString(tmp.resolve("node-a/varmor-demo-demo-1")).contains("defaultAction"), "seccomp file on node-a");
        assertTrue(Files.exists(tmp.resolve("node-b/varmor-demo-demo-1")), "seccomp file on node-b");
        assertTrue(cluster.enforcer("AppArmor").calls.stream().anyMatch(c -> c.profile().equals("varmor-demo-demo-1")));
    }

    @Test
    void aClusterPolicyGetsItsProfileInTheVarmorNamespace() {
        Policies.createCluster(cluster.admin, "apiVersion: crd.varmor.org/v1beta1\nkind: VarmorClusterPolicy\nmetadata:\n  name: demo-3\n"
                + "spec:\n  target:\n    kind: Deployment\n    selector:\n      matchLabels: {app: demo-3}\n"
                + "  policy:\n    enforcer: AppArmor\n    mode: AlwaysAllow\n");
        Await.until("cluster policy Protecting", T, () -> {
            VarmorClusterPolicyResource c = Policies.getCluster(cluster.admin, "demo-3");
            return c.getStatus() != null && "Protecting".equals(c.getStatus().phase());
        });
        assertNotNull(Policies.profile(cluster.admin, "varmor", "varmor-cluster-varmor-demo-3"));
        assertEquals("varmor-cluster-varmor-demo-3", Policies.getCluster(cluster.admin, "demo-3").getStatus().profileName());
    }

    @Test
    void aNodeWithoutBpfLsmFailsTheBpfPolicyAndThePolicyNamesTheNodeAndReason() {
        Policies.create(cluster.admin, Policies.vpol("demo", "bpf-1", "BPF", "EnhanceProtect",
                "    enhanceProtect:\n      hardeningRules: [disable-cap-privileged]\n"));
        Await.until("Error", T, () -> "Error".equals(Policies.phase(Policies.get(cluster.admin, "demo", "bpf-1"))));
        VarmorPolicyResource p = Policies.get(cluster.admin, "demo", "bpf-1");
        assertFalse(p.getStatus().ready());
        Condition ready = condition(p, "Ready");
        assertEquals("False", ready.status());
        assertTrue(ready.message().contains("node-b") && ready.message().contains("BPF LSM"), ready.message());
        Await.until("failed condition on the ArmorProfile", T, () -> {
            var s = Policies.profile(cluster.admin, "demo", "varmor-demo-bpf-1").getStatus();
            return s != null && s.conditions() != null && s.conditions().size() == 1;
        });
        Condition c = Policies.profile(cluster.admin, "demo", "varmor-demo-bpf-1").getStatus().conditions().get(0);
        assertEquals("Ready", c.type());
        assertEquals("False", c.status());
        assertEquals("node-b", c.nodeName());
        assertTrue(c.message().contains("BPF LSM feature is not supported by the host, or the BPF enforcer has not been enabled"), c.message());
        assertEquals(1, Policies.profile(cluster.admin, "demo", "varmor-demo-bpf-1").getStatus().currentNumberLoaded());
    }

    static Condition condition(VarmorPolicyResource p, String type) {
        return p.getStatus().conditions().stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
    }
}
