package io.varmor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varmor.api.ArmorProfileModel;
import io.varmor.k8s.agent.Agent;
import io.varmor.k8s.operator.Operator;
import io.varmor.k8s.support.Await;
import io.varmor.k8s.support.Policies;
import io.varmor.k8s.support.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent restarted while a policy is modelling continues its node's recording instead of starting it afresh. */
class ModelingAgentRestartTest {
    static final Duration T = Duration.ofSeconds(20);
    static final AtomicLong NOW = new AtomicLong(System.currentTimeMillis());
    @TempDir
    static Path tmp;
    static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(tmp);
        cluster.agentDaemonSet(2);
        Operator op = cluster.startOperator("op-1", c -> c.enableBehaviorModeling(true));
        Await.until("leadership", T, op::isLeader);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aRestartedAgentSendsWhatItRecordedBeforeTheRestart() {
        Path state = tmp.resolve("node-a-state");
        Agent a = cluster.startAgent("node-a", c -> c.modeling(Duration.ofMillis(100), NOW::get).modelStateDir(state), "Seccomp");
        Agent b = cluster.startAgent("node-b", c -> c.modeling(Duration.ofMillis(100), NOW::get), "Seccomp");
        Policies.create(cluster.admin, Policies.vpol("demo", "resume", "Seccomp", "BehaviorModeling", "    modelingOptions: {duration: 1}\n"));
        Await.until("Modeling", T, () -> "Modeling".equals(Policies.phase(Policies.get(cluster.admin, "demo", "resume"))));
        a.modeller().accept(ModelingAgentTest.syscall("varmor-demo-resume", "ALLOWED", "getppid"));
        b.modeller().accept(ModelingAgentTest.syscall("varmor-demo-resume", "ALLOWED", "connect"));
        Path saved = state.resolve("demo_varmor-demo-resume.json");
        Await.until("node-a's recording saved", T, () -> Files.exists(saved));

        a.close(); // the agent restarts: a new process with the same state directory
        Agent a2 = cluster.startAgent("node-a", c -> c.modeling(Duration.ofMillis(100), NOW::get).modelStateDir(state), "Seccomp");
        a2.modeller().accept(ModelingAgentTest.syscall("varmor-demo-resume", "ALLOWED", "read"));

        NOW.addAndGet(Duration.ofMinutes(2).toMillis());
        Await.until("Completed", T, () -> "Completed".equals(Policies.phase(Policies.get(cluster.admin, "demo", "resume"))));
        ArmorProfileModel m = ModelingTest.model(cluster, "varmor-demo-resume");
        assertEquals(List.of("connect", "getppid", "read"), m.data().dynamicResult().seccomp().syscalls(),
                "getppid was recorded before the restart");
        Await.until("the sent recording's file is removed", T, () -> !Files.exists(saved));
    }
}
