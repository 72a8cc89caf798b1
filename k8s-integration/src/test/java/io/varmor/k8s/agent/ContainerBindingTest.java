package io.varmor.k8s.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.varmor.api.event.ViolationEvent;
import io.varmor.k8s.support.Await;
import io.varmor.k8s.support.FakeEnforcer;
import io.varmor.k8s.support.Policies;
import io.varmor.k8s.support.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent on a simulated node: containers appear in the fake host's cgroup tree and /proc; the BPF profile is bound
 * to the annotated container's mount namespace (fast path, no rescan), released when it exits; violations become
 * rate-limited Kubernetes Events on the pod.
 */
class ContainerBindingTest {
    static final Duration T = Duration.ofSeconds(20);
    @TempDir
    static Path tmp;
    static TestCluster cluster;
    static FakeHost host;
    static Agent agent;

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster(tmp.resolve("seccomp"));
        host = new FakeHost(tmp.resolve("node-a"));
        cluster.agentDaemonSet(1);
        cluster.startOperator("op-1");
        Await.until("leadership", T, () -> cluster.leader() != null);
        agent = cluster.startAgent("node-a", c -> c.discoverContainers(true).serverSideNodeFilter(false).hostPaths(host.proc, host.cgroup, List.of(host.containerd))
                .rescan(Duration.ofMinutes(10)).eventRate(3, Duration.ofMinutes(10)), "AppArmor", "BPF", "Seccomp");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static Pod pod(String name, String profile) {
        return cluster.admin.pods().inNamespace("demo").resource(new PodBuilder().withNewMetadata().withName(name).withNamespace("demo")
                .withAnnotations(Map.of("container.bpf.security.beta.varmor.org/c0", "localhost/" + profile)).endMetadata()
                .withNewSpec().withNodeName("node-a").addNewContainer().withName("c0").withImage("busybox").endContainer()
                .addNewContainer().withName("c1").withImage("busybox").endContainer().endSpec().build()).create();
    }

    static FakeEnforcer bpf() {
        return cluster.enforcer("BPF");
    }

    static boolean applied(String profile, long mntNs) {
        return bpf().calls.stream().anyMatch(c -> c.op().equals("apply") && c.profile().equals(profile) && c.mntNs() == mntNs);
    }

    @Test
    void aNewContainerIsBoundAtOnceAndReleasedWhenItExits() throws Exception {
        Policies.create(cluster.admin, Policies.vpol("demo", "bpf-2", "BPF", "EnhanceProtect", "    enhanceProtect:\n      hardeningRules: [disable-cap-privileged]\n"));
        Await.until("Protecting", T, () -> "Protecting".equals(Policies.phase(Policies.get(cluster.admin, "demo", "bpf-2"))));
        String uid = pod("web-0", "varmor-demo-bpf-2").getMetadata().getUid();
        Await.until("pod in the agent's cache", T, () -> agent.monitor().pod(uid).isPresent());
        host.bundle(FakeHost.id(100), uid, "demo", "web-0", "c0", false);
        host.bundle(FakeHost.id(101), uid, "demo", "web-0", "c1", false);
        host.containerProcess(1000, uid, FakeHost.id(100), 4026532100L, 9000);
        host.containerProcess(1001, uid, FakeHost.id(101), 4026532101L, 9001);
        long cgroupCreated = System.nanoTime();
        host.cgroup(uid, FakeHost.id(100), 1000);
        host.cgroup(uid, FakeHost.id(101), 1001);
        Await.until("c0 bound by mount namespace (inotify fast path; rescans are 10 min apart)", T, () -> applied("varmor-demo-bpf-2", 4026532100L),
                () -> agent.monitor().running() + " " + agent.binder().bindings() + " " + bpf().calls);
        assertEquals("varmor-demo-bpf-2", agent.binder().bindings().get(FakeHost.id(100)));
        assertTrue(!agent.binder().bindings().containsKey(FakeHost.id(101)), "c1 has no BPF annotation");
        long boundAt = bpf().calls.stream().filter(c -> c.op().equals("apply") && c.mntNs() == 4026532100L).findFirst().orElseThrow().atNanos();
        long windowMs = (boundAt - cgroupCreated) / 1_000_000;
        System.out.println("container cgroup created -> BPF profile bound: " + windowMs + " ms (inotify fast path)");
        assertTrue(windowMs < 5000, "cgroup to binding took " + windowMs + " ms");
        host.exit(1000);
        agent.monitor().rescanSoon();
        Await.until("released after exit", T, () -> bpf().calls.stream().anyMatch(c -> c.op().equals("release") && c.mntNs() == 4026532100L));
        assertTrue(!agent.binder().bindings().containsKey(FakeHost.id(100)));
    }

    @Test
    void aContainerStartedBeforeItsProfileIsBoundWhenTheProfileArrives() throws Exception {
        String uid = pod("late-0", "varmor-demo-late").getMetadata().getUid();
        Await.until("pod in the agent's cache", T, () -> agent.monitor().pod(uid).isPresent());
        host.bundle(FakeHost.id(200), uid, "demo", "late-0", "c0", false);
        host.containerProcess(2000, uid, FakeHost.id(200), 4026532200L, 9100);
        host.cgroup(uid, FakeHost.id(200), 2000);
        Await.until("container known", T, () -> agent.monitor().running().containsKey(FakeHost.id(200)));
        assertTrue(!applied("varmor-demo-late", 4026532200L));
        Policies.create(cluster.admin, Policies.vpol("demo", "late", "BPF", "AlwaysAllow", ""));
        Await.until("bound when the profile loaded", T, () -> applied("varmor-demo-late", 4026532200L));
    }

    @Test
    void violationsBecomeRateLimitedEventsOnThePod() throws Exception {
        Policies.create(cluster.admin, Policies.vpol("demo", "ev", "BPF", "AlwaysAllow", ""));
        String uid = pod("ev-0", "varmor-demo-ev").getMetadata().getUid();
        Await.until("pod in the agent's cache", T, () -> agent.monitor().pod(uid).isPresent());
        host.bundle(FakeHost.id(300), uid, "demo", "ev-0", "c0", false);
        host.containerProcess(3000, uid, FakeHost.id(300), 4026532300L, 9200);
        host.cgroup(uid, FakeHost.id(300), 3000);
        Await.until("bound", T, () -> applied("varmor-demo-ev", 4026532300L));
        var sink = bpf().observers.get(bpf().observers.size() - 1);
        for (int i = 0; i < 50; i++) {
            sink.accept(new ViolationEvent("warn", null, null, null, null, null, null, null, null, 3000L, 4026532300L, 0L, "BPF",
                    "DENIED", "varmor-demo-ev", null, null, null, "disable-write-etc", Map.of("operation", "File", "path", "/etc/hosts"), null,
                    "violation event"));
        }
        Await.until("events created", T, () -> cluster.admin.v1().events().inNamespace("demo").list().getItems().stream()
                .filter(e -> "ev-0".equals(e.getInvolvedObject().getName())).count() == 3);
        Event e = cluster.admin.v1().events().inNamespace("demo").list().getItems().stream()
                .filter(x -> "ev-0".equals(x.getInvolvedObject().getName())).findFirst().orElseThrow();
        assertEquals("Violation", e.getReason());
        assertEquals("Warning", e.getType());
        assertTrue(e.getMessage().contains("/etc/hosts") && e.getMessage().contains("container c0") && e.getMessage().contains("disable-write-etc"),
                e.getMessage());
        assertEquals(47, agent.events().suppressed().get("demo/ev-0"));
    }
}
