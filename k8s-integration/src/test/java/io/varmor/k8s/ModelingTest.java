package io.varmor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.varmor.api.ArmorProfileModel;
import io.varmor.api.model.DynamicResult;
import io.varmor.api.model.SeccompResult;
import io.varmor.k8s.model.KubeJson;
import io.varmor.k8s.operator.Operator;
import io.varmor.k8s.status.BehaviorData;
import io.varmor.k8s.support.Await;
import io.varmor.k8s.support.Policies;
import io.varmor.k8s.support.TestCluster;
import io.varmor.k8s.support.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster-mode behaviour modelling (spec §8): agents send their nodes' data to the leader, which merges it into the
 * ArmorProfileModel, completes it once every agent has reported (policy phase Completed, generated profiles in
 * {@code data.profile}), and compiles DefenseInDepth policies with {@code profileType: BehaviorModel} against it.
 */
class ModelingTest {
    static final Duration T = Duration.ofSeconds(20);
    @TempDir
    static Path tmp;
    static TestCluster cluster;
    static Operator op;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(TestPki.clientTrust()).build();

    @BeforeAll
    static void start() {
        cluster = new TestCluster(tmp);
        cluster.agentDaemonSet(2);
        op = cluster.startOperator("op-1", c -> c.enableBehaviorModeling(true));
        Await.until("leadership", T, op::isLeader);
        cluster.startAgent("node-a", "Seccomp");
        cluster.startAgent("node-b", "Seccomp");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static HttpResponse<String> send(String token, BehaviorData d) throws Exception {
        return send(op, token, d);
    }

    static HttpResponse<String> send(Operator op, String token, BehaviorData d) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("https://localhost:" + op.statusPort() + "/apis/v1/data"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(KubeJson.mapper().writeValueAsString(d))).build();
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    static BehaviorData data(String node, String profile, String... syscalls) {
        return new BehaviorData("demo", profile, node, new DynamicResult(null, null, new SeccompResult(List.of(syscalls))));
    }

    static ArmorProfileModel model(String name) {
        return model(cluster, name);
    }

    static ArmorProfileModel model(TestCluster cluster, String name) {
        GenericKubernetesResource g = cluster.admin.genericKubernetesResources("crd.varmor.org/v1beta1", "ArmorProfileModel")
                .inNamespace("demo").withName(name).get();
        return g == null ? null : KubeJson.convert(g, ArmorProfileModel.class);
    }

    /** Switches demo/{@code name} to DefenseInDepth with the Seccomp allow-list of its model. */
    static void toDefenseInDepth(TestCluster cluster, String name) {
        cluster.admin.resources(io.varmor.k8s.model.VarmorPolicyResource.class).inNamespace("demo").withName(name).edit(p -> {
            var want = KubeJson.convert(io.varmor.api.io.Manifests.parseOne(Policies.vpol("demo", name, "Seccomp", "DefenseInDepth",
                    "    defenseInDepth:\n      seccomp: {profileType: BehaviorModel}\n"), io.varmor.api.VarmorPolicy.class),
                    io.varmor.k8s.model.VarmorPolicyResource.class);
            p.setSpec(want.getSpec());
            return p;
        });
    }

    @Test
    void modelsFromEveryNodeMergeCompleteAndFeedDefenseInDepth() throws Exception {
        String yaml = Policies.vpol("demo", "learn", "Seccomp", "BehaviorModeling", "    modelingOptions: {duration: 1}\n");
        Policies.create(cluster.admin, yaml);
        Await.until("Modeling", T, () -> "Modeling".equals(Policies.phase(Policies.get(cluster.admin, "demo", "learn"))));

        assertEquals(200, send("token-node-a", data("node-a", "varmor-demo-learn", "getppid", "read")).statusCode());
        assertEquals(200, send("token-node-a", data("node-a", "varmor-demo-learn", "getppid")).statusCode(), "a resend");
        ArmorProfileModel half = model("varmor-demo-learn");
        assertEquals(1, half.status().completedNumber(), "a node's resend counts once");
        assertTrue(!Boolean.TRUE.equals(half.status().ready()));
        assertEquals("Modeling", Policies.phase(Policies.get(cluster.admin, "demo", "learn")));

        assertEquals(403, send("token-node-a", data("node-b", "varmor-demo-learn", "ptrace")).statusCode(),
                "an agent cannot send data for another node");
        assertEquals(200, send("token-node-b", data("node-b", "varmor-demo-learn", "connect")).statusCode());
        ArmorProfileModel done = model("varmor-demo-learn");
        assertEquals(List.of("connect", "getppid", "read"), done.data().dynamicResult().seccomp().syscalls());
        assertEquals(2, done.status().completedNumber());
        assertTrue(done.status().ready());
        String allowList = done.data().profile().seccomp();
        assertTrue(allowList.contains("\"connect\"") && allowList.contains("\"getppid\"") && !allowList.contains("ptrace"), allowList);
        Await.until("Completed", T, () -> "Completed".equals(Policies.phase(Policies.get(cluster.admin, "demo", "learn"))));

        // switch the policy to DefenseInDepth with the learned model
        toDefenseInDepth(cluster, "learn");
        Await.until("the ArmorProfile enforces the model's allow-list", T, () -> {
            var ap = Policies.profile(cluster.admin, "demo", "varmor-demo-learn");
            return ap != null && ap.getSpec().profile().seccomp() != null && ap.getSpec().profile().seccomp().contains("\"connect\"");
        });
        Await.until("Protecting", T, () -> "Protecting".equals(Policies.phase(Policies.get(cluster.admin, "demo", "learn"))));
    }

    @Test
    void defenseInDepthWithoutAModelSaysSo() {
        Policies.create(cluster.admin, Policies.vpol("demo", "nomodel", "Seccomp", "DefenseInDepth",
                "    defenseInDepth:\n      seccomp: {profileType: BehaviorModel}\n"));
        Await.until("Error", T, () -> "Error".equals(Policies.phase(Policies.get(cluster.admin, "demo", "nomodel"))));
        String msg = Policies.get(cluster.admin, "demo", "nomodel").getStatus().conditions().toString();
        assertTrue(msg.contains("ArmorProfileModel demo/varmor-demo-nomodel") || msg.contains("varmor-demo-nomodel"), msg);
    }
}
