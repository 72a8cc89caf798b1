package io.varmor.bpf;

import io.varmor.bpf.nativeaccess.BpfLink;
import io.varmor.bpf.nativeaccess.BpfMap;
import io.varmor.bpf.nativeaccess.BpfObject;
import io.varmor.bpf.nativeaccess.BpfRingBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs INSIDE the kernel lab guest (started by {@link BpfLsmInLabTest}): loads and attaches {@link LabSmoke}
 * from Java, targets a fresh mount namespace, tries the denied open inside and outside it, and prints
 * {@code key=value} lines for the host-side assertions.
 */
public final class LabSmokeGuestMain {
    private LabSmokeGuestMain() {
    }

    private record Run(long pid, int rc, String out) {
    }

    private static final long T0 = System.nanoTime();

    public static void main(String[] args) throws Exception {
        print("t.jvm_uptime_ms", java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        Path dir = Files.createTempDirectory("varmor-smoke-");
        Path secret = dir.resolve("secret.txt");
        Path other = dir.resolve("other.txt");
        Files.writeString(secret, "top secret\n");
        Files.writeString(other, "not secret\n");
        List<LabSmoke.Event> events = new ArrayList<>();
        Process holder = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sleep", "120").start();
        try (BpfObject obj = BpfObject.openMem(LabSmoke.objectBytes(), "lab_smoke")) {
            print("libbpf", BpfObject.libbpfVersion());
            mark("open");
            obj.load();
            mark("load");
            try (BpfLink link = obj.program(LabSmoke.PROGRAM).attachLsm();
                 BpfRingBuffer rb = BpfRingBuffer.open(obj.map(LabSmoke.MAP_EVENTS),
                         b -> events.add(LabSmoke.Event.parse(b)))) {
                mark("attach");
                long self = mntns(ProcessHandle.current().pid());
                long target = awaitOwnMntns(holder.pid(), self);
                print("self.mntns", self);
                print("target.mntns", target);
                print("secret", secret);
                obj.map(LabSmoke.MAP_TARGET_MNTNS).update(LabSmoke.u32(target), LabSmoke.u32(1), BpfMap.ANY);
                obj.map(LabSmoke.MAP_DENY_PATH).update(LabSmoke.u32(0), LabSmoke.pathValue(secret.toString()),
                        BpfMap.ANY);
                String ns = String.valueOf(holder.pid());
                report("inside", run("nsenter", "-t", ns, "-m", "cat", secret.toString()));
                report("inside_other", run("nsenter", "-t", ns, "-m", "cat", other.toString()));
                report("outside", run("cat", secret.toString()));
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (events.isEmpty() && System.nanoTime() < deadline) {
                    rb.poll(Duration.ofMillis(200));
                }
                rb.poll(Duration.ofMillis(200));
                mark("runs");
                print("events", events.size());
                for (LabSmoke.Event e : events) {
                    print("event", "pid=" + e.pid() + " mntns=" + e.mntNs() + " ret=" + e.ret() + " comm=" + e.comm()
                            + " path=" + e.path());
                }
                link.close();
                report("after_detach", run("nsenter", "-t", ns, "-m", "cat", secret.toString()));
            }
        } finally {
            holder.destroyForcibly();
            holder.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void mark(String step) {
        print("t." + step + "_ms", (System.nanoTime() - T0) / 1_000_000);
    }

    private static long mntns(long pid) throws Exception {
        String link = Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "ns", "mnt")).toString();
        return Long.parseLong(link.replaceAll("\\D", ""));
    }

    /** unshare(1) needs a moment before the child's namespace differs from ours. */
    private static long awaitOwnMntns(long pid, long self) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            long ns = mntns(pid);
            if (ns != self) {
                return ns;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("unshare -m did not create a mount namespace");
    }

    private static Run run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(p.pid(), -1, "timeout");
        }
        return new Run(p.pid(), p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void report(String key, Run r) {
        print(key + ".pid", r.pid());
        print(key + ".rc", r.rc());
        print(key + ".out", r.out().strip());
    }

    private static void print(String key, Object value) {
        System.out.println(key + "=" + String.valueOf(value).replace("\n", "\\n"));
    }
}
