package io.varmor.bpf.lab;

import io.varmor.bpf.BpfEnforcer;
import io.varmor.bpf.BpfRuntime;
import io.varmor.core.spi.TargetBinding;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in node agent for the restart test, run INSIDE the lab guest: binds the mount namespace of process PID to
 * policy "a" and prints {@code applied origin=LOADED|ADOPTED}. Mode {@code hold} then waits to be killed; mode
 * {@code finish} waits for the file DONE, prints its stats and uninstalls everything.
 * Usage: {@code AgentGuestMain hold|finish PID DONE}.
 */
public final class AgentGuestMain {
    private AgentGuestMain() {}

    public static void main(String[] args) throws Exception {
        long pid = Long.parseLong(args[1]);
        long ns = BpfRuntime.mntns(Path.of("/proc", args[1], "ns", "mnt"));
        BpfEnforcer e = new BpfEnforcer();
        var prof = Guest.compile(e, "a", EnforcementGuestMain.POLICIES.get("a"));
        long t0 = System.nanoTime();
        BpfRuntime rt = e.runtime();
        long opened = System.nanoTime();
        e.apply(prof, new TargetBinding("varmor-lab-a", ns, 0, pid, System.currentTimeMillis(), Guest.attrs("a")));
        System.out.printf("applied origin=%s open_ms=%d apply_ms=%d bound=%d%n", rt.origin(), (opened - t0) / 1_000_000,
                (System.nanoTime() - opened) / 1_000_000, rt.boundCount());
        if (args[0].equals("hold")) {
            Thread.sleep(Long.MAX_VALUE);
        }
        Path done = Path.of(args[2]);
        while (!Files.exists(done)) {
            Thread.sleep(100);
        }
        System.out.println("stats " + rt.stats());
        e.uninstall();
        System.out.println("uninstalled " + !Files.exists(Path.of("/sys/fs/bpf/varmor")));
    }
}
