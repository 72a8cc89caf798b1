package io.varmor.k8s.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /proc and cgroup parsing: which processes are containers, and which process stands for each. */
class ContainerDiscoveryTest {
    static final String POD = "0d3c1d2e-1111-4222-8333-444455556666";

    @Test
    void cgroupPathsOfEveryDriverAndRuntimeYieldTheContainerAndPod() {
        String id = FakeHost.id(7);
        assertEquals(new CgroupPaths.Ref(id, POD), CgroupPaths.parse("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                + POD.replace('-', '_') + ".slice/cri-containerd-" + id + ".scope").orElseThrow());
        assertEquals(new CgroupPaths.Ref(id, POD), CgroupPaths.parse("0::/kubepods/besteffort/pod" + POD + "/" + id).orElseThrow());
        assertEquals(id, CgroupPaths.parse("12:memory:/kubepods.slice/kubepods-pod" + POD.replace('-', '_') + ".slice/crio-" + id + ".scope\n"
                + "0::/").orElseThrow().containerId());
        assertEquals(id, CgroupPaths.parse("0::/system.slice/docker-" + id + ".scope").orElseThrow().containerId());
        assertTrue(CgroupPaths.parse("0::/kubepods.slice/kubepods-pod" + POD + ".slice/crio-conmon-" + id + ".scope").isEmpty(), "conmon");
        assertTrue(CgroupPaths.parse("0::/user.slice/user-0.slice/session-1.scope").isEmpty());
    }

    @Test
    void theScannerGroupsProcessesByContainerAndPicksTheOldest(@TempDir Path tmp) throws Exception {
        FakeHost h = new FakeHost(tmp);
        h.hostProcess(1);
        h.containerProcess(200, POD, FakeHost.id(1), 4026532001L, 5000);
        h.containerProcess(150, POD, FakeHost.id(1), 4026532001L, 4000);
        h.containerProcess(300, POD, FakeHost.id(2), 4026532002L, 6000);
        ProcScanner s = new ProcScanner(h.proc);
        Map<String, ProcScanner.Proc> found = s.scan();
        assertEquals(2, found.size());
        assertEquals(150, found.get(FakeHost.id(1)).pid());
        assertEquals(4026532002L, found.get(FakeHost.id(2)).mountNamespace());
        h.exit(150);
        h.exit(200);
        assertEquals(List.of(FakeHost.id(2)), List.copyOf(s.scan().keySet()));
    }

    @Test
    void statParsingSurvivesCommandsWithSpacesAndParentheses() {
        assertEquals(12345, ProcScanner.startTicks("42 (my (odd) cmd) S 1 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12345 0 0\n"));
        assertEquals(4026531840L, ProcScanner.namespaceInode("mnt:[4026531840]"));
    }

    @Test
    void runtimeBundlesIdentifyContainersAndSandboxes(@TempDir Path tmp) throws Exception {
        FakeHost h = new FakeHost(tmp);
        h.bundle(FakeHost.id(1), POD, "demo", "web-0", "c0", false);
        h.bundle(FakeHost.id(2), POD, "demo", "web-0", "", true);
        RuntimeBundles b = new RuntimeBundles(List.of(h.containerd));
        RuntimeBundles.Identity c = b.identity(FakeHost.id(1)).orElseThrow();
        assertEquals("c0", c.containerName());
        assertEquals(POD, c.podUid());
        assertFalse(c.sandbox());
        assertTrue(b.identity(FakeHost.id(2)).orElseThrow().sandbox());
        assertTrue(b.identity(FakeHost.id(3)).isEmpty());
    }
}
