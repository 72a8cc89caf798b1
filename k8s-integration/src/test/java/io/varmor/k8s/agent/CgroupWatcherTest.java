package io.varmor.k8s.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.k8s.support.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inotify on the kubepods tree reports new container cgroups, including ones created inside new parents. */
class CgroupWatcherTest {
    @Test
    void nestedNewCgroupsAreReported(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("kubepods.slice"));
        List<Path> seen = new CopyOnWriteArrayList<>();
        try (CgroupWatcher w = CgroupWatcher.start(CgroupWatcher.defaultRoots(tmp), seen::add)) {
            assertTrue(w != null);
            Path scope = Files.createDirectories(root.resolve("kubepods-besteffort.slice/kubepods-besteffort-podx.slice/cri-containerd-abc.scope"));
            Await.until("scope reported", Duration.ofSeconds(10), () -> seen.contains(scope), seen::toString);
            Path second = Files.createDirectories(scope.getParent().resolve("cri-containerd-def.scope"));
            Await.until("second scope reported", Duration.ofSeconds(10), () -> seen.contains(second), seen::toString);
        }
    }
}
