package io.varmor.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.testkit.KernelRequirement;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lossless syscall recorder on the host kernel (raw tracepoints load here even though BPF LSM does not): a
 * watched mount namespace gets every syscall it makes after {@code watch}, however many; other namespaces get nothing.
 */
class SyscallRecorderOnHostTest {
    @Test
    void recordsEverySyscallOfAWatchedNamespaceAndNothingElse() throws Exception {
        KernelRequirement.assumeOrFail("root".equals(System.getProperty("user.name")), "bpf(2) needs root");
        try (SyscallRecorder r = SyscallRecorder.start()) {
            // waits for a line, then 100,000 getppid calls and one sched_yield
            Process p = new ProcessBuilder("unshare", "-m", "python3", "-c",
                    "import os,sys\nsys.stdin.readline()\nfor _ in range(100000): os.getppid()\nos.sched_yield()")
                    .redirectErrorStream(true).start();
            long ours = BpfRuntime.mntns(Path.of("/proc/self/ns/mnt"));
            long ns = ours;
            for (int i = 0; i < 200 && ns == ours; i++) {
                Thread.sleep(10);
                ns = BpfRuntime.mntns(Path.of("/proc", String.valueOf(p.pid()), "ns", "mnt"));
            }
            assertTrue(ns != ours, "the child entered its own mount namespace");
            r.watch(ns);
            r.watch(ours);
            r.unwatch(ours);
            try (OutputStream in = p.getOutputStream()) {
                in.write('\n');
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
            List<String> seen = r.syscalls(ns);
            assertTrue(seen.contains("getppid") && seen.contains("sched_yield") && seen.contains("exit_group"), seen.toString());
            assertTrue(!seen.contains("unshare"), "made before watch(): " + seen);
            assertEquals(List.of(), r.syscalls(ours), "an unwatched namespace is not recorded");
        }
    }
}
