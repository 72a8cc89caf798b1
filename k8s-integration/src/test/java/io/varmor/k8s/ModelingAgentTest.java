package io.varmor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.varmor.api.ArmorProfileModel;
import io.varmor.api.event.ViolationEvent;
import io.varmor.k8s.agent.Agent;
import io.varmor.k8s.model.KubeJson;
import io.varmor.k8s.operator.Operator;
import io.varmor.k8s.support.Await;
import io.varmor.k8s.support.Policies;
import io.varmor.k8s.support.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agents' side of cluster-mode modelling: each records the behaviour events attributed to a modelling profile
 * on its node, and once the policy's duration has passed (a test clock here) sends the data to the leader; the model
 * completes when both nodes' data arrived.
 */
class ModelingAgentTest {
    static final Duration T = Duration.ofSeconds(20);
    static final AtomicLong NOW = new AtomicLong(System.currentTimeMillis());
    @TempDir
    static Path tmp;
    static TestCluster cluster;
    static Agent a;
    static Agent b;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(tmp);
        cluster.agentDaemonSet(2);
        Operator op = cluster.startOperator("op-1", c -> c.enableBehaviorModeling(true));
        Await.until("leadership", T, op::isLeader);
        a = cluster.startAgent("node-a", c -> c.modeling(Duration.ofMillis(100), NOW::get), "Seccomp");
        b = cluster.startAgent("node-b", c -> c.modeling(Duration.ofMillis(100), NOW::get), "Seccomp");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static ViolationEvent syscall(String profile, String action, String name) {
        return new ViolationEvent("warn", null, null, null, null, null, null, null, null, 1L, 1L, 0L, "Seccomp", action, profile,
                null, null, null, null, Map.of("operation", "Syscall", "syscall", name), null, "violation event");
    }

    @Test
    void eachNodeSendsWhatItRecordedWhenTheDurationIsOver() {
        Policies.create(cluster.admin, Policies.vpol("demo", "auto", "Seccomp", "BehaviorModeling", "    modelingOptions: {duration: 1}\n"));
        Await.until("Modeling", T, () -> "Modeling".equals(Policies.phase(Policies.get(cluster.admin, "demo", "auto"))));
        a.modeller().accept(syscall("varmor-demo-auto", "ALLOWED", "getppid"));
        a.modeller().accept(syscall("varmor-demo-auto", "DENIED", "ptrace")); // not behaviour: a denial
        b.modeller().accept(syscall("varmor-demo-auto", "AUDIT", "connect"));
        b.modeller().accept(syscall("varmor-demo-other", "ALLOWED", "mount")); // another profile
        assertEquals(1, a.modeller().recorded("varmor-demo-auto"));
        assertEquals(1, b.modeller().recorded("varmor-demo-auto"));

        NOW.addAndGet(Duration.ofMinutes(2).toMillis());
        Await.until("Completed", T, () -> "Completed".equals(Policies.phase(Policies.get(cluster.admin, "demo", "auto"))));
        GenericKubernetesResource g = cluster.admin.genericKubernetesResources("crd.varmor.org/v1beta1", "ArmorProfileModel")
                .inNamespace("demo").withName("varmor-demo-auto").get();
        ArmorProfileModel m = KubeJson.convert(g, ArmorProfileModel.class);
        assertEquals(List.of("connect", "getppid"), m.data().dynamicResult().seccomp().syscalls());
        assertEquals(2, m.status().completedNumber());
        a.modeller().accept(syscall("varmor-demo-auto", "ALLOWED", "read"));
        assertEquals(0, a.modeller().recorded("varmor-demo-auto"), "delivered: the node records no more for this spec");
    }
}
