package io.varmor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.ArmorProfileModel;
import io.varmor.k8s.model.KubeJson;
import io.varmor.k8s.operator.Operator;
import io.varmor.k8s.support.Await;
import io.varmor.k8s.support.Policies;
import io.varmor.k8s.support.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A behaviour model too large for one object (here: above a 2,000-byte limit) is kept on the leader's disk with
 * {@code storageType: LocalDisk}; it still merges, completes and feeds DefenseInDepth {@code profileType: BehaviorModel}.
 */
class ModelingLocalDiskTest {
    static final Duration T = Duration.ofSeconds(20);
    @TempDir
    static Path tmp;
    static TestCluster cluster;
    static Operator op;
    static Path dir;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(tmp);
        cluster.agentDaemonSet(2);
        dir = tmp.resolve("apmdata");
        op = cluster.startOperator("op-1", c -> c.enableBehaviorModeling(true).modelStorage(dir, 2_000)
                .modelAccess(io.varmor.k8s.status.ModelAccess.fixed(java.util.Map.of("reader", java.util.Set.of("get"),
                        "importer", java.util.Set.of("create")))));
        Await.until("leadership", T, op::isLeader);
        cluster.startAgent("node-a", "Seccomp");
        cluster.startAgent("node-b", "Seccomp");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** 150 distinct (made-up) syscall names: a model of a few KB. */
    static String[] many(String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            out.add(prefix + "_syscall_" + i);
        }
        return out.toArray(String[]::new);
    }

    @Test
    void aModelTooLargeForItsObjectIsKeptOnTheLocalDiskAndStillFeedsDefenseInDepth() throws Exception {
        Policies.create(cluster.admin, Policies.vpol("demo", "big", "Seccomp", "BehaviorModeling", "    modelingOptions: {duration: 1}\n"));
        Await.until("Modeling", T, () -> "Modeling".equals(Policies.phase(Policies.get(cluster.admin, "demo", "big"))));
        assertEquals(200, ModelingTest.send(op, "token-node-a", ModelingTest.data("node-a", "varmor-demo-big", many("a"))).statusCode());
        ArmorProfileModel half = ModelingTest.model(cluster, "varmor-demo-big");
        assertEquals("LocalDisk", half.storageType());
        assertNull(half.data(), "the object does not carry the data");
        assertEquals(1, half.status().completedNumber());
        Path file = dir.resolve("demo").resolve("varmor-demo-big.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        assertEquals(200, ModelingTest.send(op, "token-node-b", ModelingTest.data("node-b", "varmor-demo-big", many("b"))).statusCode());
        Await.until("Completed", T, () -> "Completed".equals(Policies.phase(Policies.get(cluster.admin, "demo", "big"))));
        ArmorProfileModel done = ModelingTest.model(cluster, "varmor-demo-big");
        assertTrue(done.status().ready());
        ArmorProfileModel onDisk = KubeJson.mapper().readValue(Files.readString(file), ArmorProfileModel.class);
        List<String> syscalls = onDisk.data().dynamicResult().seccomp().syscalls();
        assertEquals(300, syscalls.size(), "both nodes' data merged on disk");
        assertTrue(onDisk.data().profile().seccomp().contains("b_syscall_149"));

        // the whole model, data included, is exported by the status service to a token allowed to get it
        java.net.http.HttpResponse<String> export = get("reader", "demo", "varmor-demo-big");
        assertEquals(200, export.statusCode(), export.body());
        ArmorProfileModel exported = KubeJson.mapper().readValue(export.body(), ArmorProfileModel.class);
        assertEquals(300, exported.data().dynamicResult().seccomp().syscalls().size());
        assertEquals(403, get("token-node-a", "demo", "varmor-demo-big").statusCode(), "an agent's token may not read models");
        assertEquals(401, get(null, "demo", "varmor-demo-big").statusCode());
        assertEquals(404, get("reader", "demo", "varmor-demo-none").statusCode());

        ModelingTest.toDefenseInDepth(cluster, "big");
        Await.until("the ArmorProfile enforces the allow-list read from the disk", T, () -> {
            var ap = Policies.profile(cluster.admin, "demo", "varmor-demo-big");
            return ap != null && ap.getSpec().profile().seccomp() != null && ap.getSpec().profile().seccomp().contains("a_syscall_0");
        });

        // import (vArmor's POST on the same path): behaviour merged, non-empty profiles replaced
        String imported = "{\"apiVersion\": \"crd.varmor.org/v1beta1\", \"kind\": \"ArmorProfileModel\", \"data\": {"
                + "\"dynamicResult\": {\"seccomp\": {\"syscalls\": [\"imported_syscall\"]}},"
                + "\"profile\": {\"seccomp\": \"{\\\"defaultAction\\\": \\\"SCMP_ACT_ERRNO\\\"}\"}}}";
        assertEquals(403, post("reader", "demo", "varmor-demo-big", imported).statusCode(), "get does not allow importing");
        assertEquals(400, post("importer", "demo", "varmor-demo-big", "[1, 2]").statusCode());
        java.net.http.HttpResponse<String> in = post("importer", "demo", "varmor-demo-big", imported);
        assertEquals(200, in.statusCode(), in.body());
        ArmorProfileModel after = KubeJson.mapper().readValue(get("reader", "demo", "varmor-demo-big").body(), ArmorProfileModel.class);
        assertEquals(301, after.data().dynamicResult().seccomp().syscalls().size(), "merged with what the nodes sent");
        assertEquals("{\"defaultAction\": \"SCMP_ACT_ERRNO\"}", after.data().profile().seccomp(), "the imported profile replaced the generated one");
        assertTrue(after.status().ready(), "the status of an existing model is kept");
    }

    static java.net.http.HttpResponse<String> post(String token, String namespace, String name, String body) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://localhost:" + op.statusPort()
                + io.varmor.k8s.status.StatusService.MODELS + namespace + "/armorprofilemodels/" + name))
                .header("Authorization", "Bearer " + token).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        return ModelingTest.HTTP.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    static java.net.http.HttpResponse<String> get(String token, String namespace, String name) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://localhost:" + op.statusPort()
                + io.varmor.k8s.status.StatusService.MODELS + namespace + "/armorprofilemodels/" + name)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return ModelingTest.HTTP.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }
}
