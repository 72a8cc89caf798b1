package io.varmor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.k8s.model.VarmorPolicyResource;
import io.varmor.k8s.operator.Operator;
import io.varmor.k8s.support.Await;
import io.varmor.k8s.support.Policies;
import io.varmor.k8s.support.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two replicas: the leader goes away, the other takes the Lease, and policy processing and status continue. */
class LeaderFailoverTest {
    static final Duration T = Duration.ofSeconds(30);

    @Test
    void theStandbyReplicaTakesOverAndStatusNeverRegresses(@TempDir Path tmp) {
        try (TestCluster cluster = new TestCluster(tmp)) {
            cluster.agentDaemonSet(2);
            Operator first = cluster.startOperator("op-1", c -> c.statusWarmup(TestCluster.HEARTBEAT.multipliedBy(3)));
            Await.until("op-1 leads", T, first::isLeader);
            Operator second = cluster.startOperator("op-2", c -> c.statusWarmup(TestCluster.HEARTBEAT.multipliedBy(3)));
            cluster.startAgent("node-a", "AppArmor");
            cluster.startAgent("node-b", "AppArmor");
            Policies.create(cluster.admin, Policies.vpol("demo", "before", "AppArmor", "AlwaysAllow", ""));
            Await.until("before: Protecting", T, () -> "Protecting".equals(Policies.phase(Policies.get(cluster.admin, "demo", "before"))));
            assertFalse(second.isLeader());

            List<String> phases = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread w = new Thread(() -> {
                while (watching.get()) {
                    VarmorPolicyResource p = Policies.get(cluster.admin, "demo", "before");
                    phases.add(Policies.phase(p));
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            w.start();
            first.close();
            Await.until("op-2 leads", T, second::isLeader);
            Policies.create(cluster.admin, Policies.vpol("demo", "after", "AppArmor", "AlwaysAllow", ""));
            Await.until("after: Protecting (processed by op-2)", T,
                    () -> "Protecting".equals(Policies.phase(Policies.get(cluster.admin, "demo", "after"))));
            Await.until("op-2 warmed up (a few more samples)", T, () -> phases.size() > 10);
            watching.set(false);
            assertTrue(phases.stream().allMatch("Protecting"::equals), "status regressed during fail-over: " + phases);
            cluster.admin.resources(VarmorPolicyResource.class).inNamespace("demo").withName("before").edit(p -> {
                p.setSpec(new io.varmor.api.policy.VarmorPolicySpec(p.getSpec().target(),
                        new io.varmor.api.policy.Policy("AppArmor", "RuntimeDefault", null, null, null, null), null));
                return p;
            });
            Await.until("before: updated by op-2 and Protecting", T, () -> {
                VarmorPolicyResource p = Policies.get(cluster.admin, "demo", "before");
                return "Protecting".equals(Policies.phase(p)) && p.getStatus().conditions().stream().anyMatch(c -> c.type().equals("Updated"));
            });
            assertEquals("op-2", cluster.admin.leases().inNamespace("varmor").withName("varmor-manager").get().getSpec().getHolderIdentity());
        }
    }
}
