package io.varmor.k8s.bench;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.varmor.k8s.model.VarmorPolicyResource;
import io.varmor.k8s.support.Await;
import io.varmor.k8s.support.Policies;
import io.varmor.k8s.support.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policy-to-Ready latency on the mock API server with one operator and two agents: N policies are created one after
 * the other, and each policy's time from its create call to {@code phase: Protecting} is recorded (a watch on the
 * test side). Prints a table; asserts nothing about time. Run:
 * {@code mvn -pl k8s-integration test -Dtest=PolicyToReadyBenchmark -Dvarmor.bench=true}
 */
@EnabledIfSystemProperty(named = "varmor.bench", matches = "true")
class PolicyToReadyBenchmark {
    record Row(String timings, int n, long createMs, long allReadyMs, long p50, long p99, long max) {}

    @Test
    void policyToReady(@TempDir Path tmp) throws Exception {
        List<Row> rows = new ArrayList<>();
        run(tmp.resolve("warm-up"), 50, Duration.ofMillis(100)); // JIT warm-up, not reported
        List<Duration> flushes = System.getProperty("varmor.bench.quick") != null ? List.of(Duration.ofMillis(100)) : List.of(Duration.ofSeconds(2), Duration.ofMillis(100));
        int[] sizes = System.getProperty("varmor.bench.quick") != null ? new int[] {1000} : new int[] {1, 100, 1000};
        for (Duration flush : flushes) {
            for (int n : sizes) {
                rows.add(run(tmp.resolve(flush.toMillis() + "-" + n), n, flush));
            }
        }
        System.out.println();
        System.out.println("policy-to-Ready on fabric8's mock API server (CRUD), 1 operator + 2 agents, fake enforcers, one JVM");
        System.out.printf("%-26s %6s %12s %14s %9s %9s %9s%n", "status flush", "N", "create (ms)", "all Ready (ms)", "p50 (ms)", "p99 (ms)", "max (ms)");
        for (Row r : rows) {
            System.out.printf("%-26s %6d %12d %14d %9d %9d %9d%n", r.timings(), r.n(), r.createMs(), r.allReadyMs(), r.p50(), r.p99(), r.max());
        }
    }

    Row run(Path tmp, int n, Duration flush) {
        try (TestCluster c = new TestCluster(tmp)) {
            c.heartbeat = Duration.ofSeconds(30);
            c.agentDaemonSet(2);
            c.startOperator("op-1", cfg -> cfg.statusFlushInterval(flush));
            Await.until("leader", Duration.ofSeconds(30), () -> c.leader() != null);
            c.startAgent("node-a", a -> a.statusTimings(c.heartbeat, Duration.ofMillis(200), Duration.ofSeconds(1)), "AppArmor", "Seccomp");
            c.startAgent("node-b", a -> a.statusTimings(c.heartbeat, Duration.ofMillis(200), Duration.ofSeconds(1)), "AppArmor", "Seccomp");
            Map<String, Long> created = new ConcurrentHashMap<>();
            Map<String, Long> ready = new ConcurrentHashMap<>();
            SharedIndexInformer<VarmorPolicyResource> watch = c.mock.client().resources(VarmorPolicyResource.class).inNamespace("bench")
                    .inform(new ResourceEventHandler<>() {
                        @Override
                        public void onAdd(VarmorPolicyResource p) {
                            seen(p);
                        }

                        @Override
                        public void onUpdate(VarmorPolicyResource o, VarmorPolicyResource p) {
                            seen(p);
                        }

                        @Override
                        public void onDelete(VarmorPolicyResource p, boolean u) {
                        }

                        private void seen(VarmorPolicyResource p) {
                            if ("Protecting".equals(Policies.phase(p))) {
                                ready.putIfAbsent(p.getMetadata().getName(), System.nanoTime());
                            }
                        }
                    });
            List<VarmorPolicyResource> policies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                policies.add(io.varmor.k8s.model.KubeJson.convert(io.varmor.api.io.Manifests.parseOne(Policies.vpol("bench", "p-" + i,
                        "AppArmorSeccomp", "EnhanceProtect", "    enhanceProtect:\n      hardeningRules: [disable-cap-privileged, disallow-write-core-pattern]\n"),
                        io.varmor.api.VarmorPolicy.class), VarmorPolicyResource.class));
            }
            var api = c.admin.resources(VarmorPolicyResource.class).inNamespace("bench");
            long t0 = System.nanoTime();
            for (VarmorPolicyResource p : policies) {
                created.put(p.getMetadata().getName(), System.nanoTime());
                api.resource(p).create();
            }
            long createMs = (System.nanoTime() - t0) / 1_000_000;
            Await.until(n + " policies Protecting", Duration.ofMinutes(10), () -> ready.size() == n, () -> ready.size() + "/" + n);
            long allMs = (System.nanoTime() - t0) / 1_000_000;
            List<Long> lat = new ArrayList<>();
            created.forEach((k, v) -> lat.add((ready.get(k) - v) / 1_000_000));
            Collections.sort(lat);
            watch.close();
            return new Row(flush.toMillis() == 2000 ? "2 s (default <100 nodes)" : flush.toMillis() + " ms", n, createMs, allMs,
                    pct(lat, 50), pct(lat, 99), lat.get(lat.size() - 1));
        }
    }

    static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
