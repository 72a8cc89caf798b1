package io.varmor.seccomp.hostreal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.event.ViolationEvent;
import io.varmor.core.spi.TargetBinding;
import io.varmor.seccomp.SeccompEnforcer;
import io.varmor.testkit.KernelRequirement;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Host-real: a syscall refused by a filter that varmor-exec installed with {@code SECCOMP_FILTER_FLAG_LOG} produces a
 * kernel audit record ({@code type=1326}) that the enforcer's {@code observe()} ({@code SeccompAuditReader} on
 * {@code /dev/kmsg}) turns into a violation event attributed to the target, with the syscall and the rule id.
 *
 * <p>Without an audit daemon the kernel prints those records through {@code printk_ratelimit()}: 10 lines per 5 s for
 * the whole host. The reader lifts that limit while it runs; the burst test checks that nothing is lost and that the
 * setting is restored afterwards.
 */
class SeccompAuditEventTest {
    private static final Path RATELIMIT = Path.of("/proc/sys/kernel/printk_ratelimit");
    private static Path probe;

    @BeforeAll
    static void setUp() {
        VarmorExec.require();
        KernelRequirement.assumeOrFail(Files.isReadable(Path.of("/dev/kmsg")), "/dev/kmsg is not readable");
        probe = NativeBuild.probe();
        NativeBuild.launcher();
    }

    /** One target run: its pid, what it printed, the events observed, and printk_ratelimit while observing. */
    private record Observed(long pid, String output, List<ViolationEvent> events, String ratelimitWhileObserving) {}

    /**
     * Launches {@code target} (after "--") with the enforcer's own launch arguments, binds the reader to the launcher's
     * pid and mount namespace before letting it run (--sync-socket), and collects events until {@code expected}
     * arrived or 5 s passed without a new one.
     */
    private static Observed observe(Policies.Compiled policy, int expected, List<String> target) throws Exception {
        SeccompEnforcer enforcer = new SeccompEnforcer();
        Path dir = VarmorExec.scratch();
        Path sock = Files.createTempDirectory("varmor-sync").resolve("s"); // short: sun_path holds 107 bytes
        List<String> cmd = new ArrayList<>(List.of(NativeBuild.launcher().toString(), "--sync-socket", sock.toString()));
        cmd.addAll(enforcer.launchArguments(policy.artifact(), dir));
        cmd.add("--");
        cmd.addAll(target);
        LinkedBlockingQueue<ViolationEvent> events = new LinkedBlockingQueue<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out").toFile()).start();
            try (SocketChannel ch = CompletableFuture.supplyAsync(() -> accept(server)).get(20, TimeUnit.SECONDS)) {
                String[] ready = readLine(ch).split(" ");
                assertEquals("ready", ready[0], "varmor-exec greets with ready <pid> <mntns>");
                TargetBinding binding = new TargetBinding(policy.profileName(), Long.parseLong(ready[2]), 0,
                        Long.parseLong(ready[1]), System.currentTimeMillis(), Map.of("policyName", "hostreal"));
                List<ViolationEvent> all = new ArrayList<>();
                String ratelimit;
                try (AutoCloseable observer = enforcer.observe(binding, events::add)) {
                    ratelimit = Files.readString(RATELIMIT).trim();
                    ch.write(ByteBuffer.wrap("go\n".getBytes(StandardCharsets.US_ASCII)));
                    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "target finished");
                    for (ViolationEvent e; all.size() < expected && (e = events.poll(5, TimeUnit.SECONDS)) != null; ) {
                        all.add(e);
                    }
                }
                String said = Files.readString(dir.resolve("out"));
                assertTrue(!all.isEmpty(), "no event observed; target said: " + said);
                return new Observed(binding.pid(), said, Collections.unmodifiableList(all), ratelimit);
            } finally {
                p.destroyForcibly();
            }
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(sock.getParent());
        }
    }

    private static Observed observeProbe(Policies.Compiled policy, String... probeArgs) throws Exception {
        List<String> target = new ArrayList<>(List.of(probe.toString()));
        target.addAll(List.of(probeArgs));
        return observe(policy, 1, target);
    }

    private static SocketChannel accept(ServerSocketChannel server) {
        try {
            return server.accept();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readLine(SocketChannel ch) throws IOException {
        StringBuilder sb = new StringBuilder();
        ByteBuffer b = ByteBuffer.allocate(1);
        while (ch.read(b) > 0) {
            char c = (char) b.get(0);
            b.clear();
            if (c == '\n') {
                break;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    @Test
    void aRefusedSpliceIsReportedAsDeniedWithTheSyscallAndTheRuleId() throws Exception {
        Observed o = observeProbe(Policies.enhanceProtect(List.of("dirty-pipe-mitigation"), List.of(), false, false), "splice");
        assertTrue(o.output().contains("RESULT splice ERR 1 "), o.output());
        ViolationEvent e = o.events().get(0);
        assertEquals("Seccomp", e.enforcer());
        assertEquals("DENIED", e.action());
        assertEquals("splice", e.event().get("syscall"));
        assertEquals("x86_64", e.event().get("arch"));
        assertEquals("dirty-pipe-mitigation", e.ruleId());
        assertEquals("hostreal", e.policyName());
        assertEquals(o.pid(), e.pid(), "the launcher execs the target in its own pid");
    }

    @Test
    void aRefusedUnshareThroughThe32BitEntryPointIsNamedWithTheI386Table() throws Exception {
        Observed o = observeProbe(Policies.enhanceProtect(List.of("disallow-create-user-ns"), List.of(), false, false), "userns-unshare-i386");
        assertTrue(o.output().contains("RESULT userns-unshare-i386 ERR 1 "), o.output());
        ViolationEvent e = o.events().get(0);
        assertEquals("DENIED", e.action());
        assertEquals("unshare", e.event().get("syscall"));
        assertEquals("x86", e.event().get("arch"));
        assertEquals("disallow-create-user-ns", e.ruleId());
    }

    @Test
    void anAllowedAndAuditedSyscallIsReportedAsAuditAllowed() throws Exception {
        Observed o = observeProbe(Policies.enhanceProtect(List.of("dirty-pipe-mitigation"), List.of(), true, true), "splice");
        assertTrue(o.output().contains("RESULT splice OK"), o.output());
        ViolationEvent e = o.events().get(0);
        assertEquals("AUDIT|ALLOWED", e.action());
        assertEquals("splice", e.event().get("syscall"));
        assertEquals("dirty-pipe-mitigation", e.ruleId());
    }

    @Test
    void aBurstOfRefusalsBeyondThePrintkRateLimitIsReportedInFull() throws Exception {
        int n = 25; // the kernel's default budget is 10 lines per 5 s
        String before = Files.readString(RATELIMIT).trim();
        String script = (probe + " splice; ").repeat(n) + "true";
        Observed o = observe(Policies.enhanceProtect(List.of("dirty-pipe-mitigation"), List.of(), false, false), n,
                List.of("/bin/busybox", "sh", "-c", script));
        assertEquals(n, o.output().split("RESULT splice ERR 1 ", -1).length - 1, o.output());
        assertEquals(n, o.events().size(), "one DENIED event per refused splice");
        assertEquals("0", o.ratelimitWhileObserving(), "the reader lifts printk_ratelimit while it runs");
        assertTrue(o.events().stream().allMatch(e -> "DENIED".equals(e.action()) && "splice".equals(e.event().get("syscall"))));
        assertEquals(before, Files.readString(RATELIMIT).trim(), "printk_ratelimit is restored when the reader stops");
    }
}
