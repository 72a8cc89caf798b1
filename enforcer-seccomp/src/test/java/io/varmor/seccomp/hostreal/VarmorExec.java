package io.varmor.seccomp.hostreal;

import io.varmor.seccomp.nativeaccess.SeccompFilterBuilder;
import io.varmor.testkit.KernelRequirement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Runs commands through varmor's launcher with a filter exported by {@link SeccompFilterBuilder}. */
public final class VarmorExec {
    private VarmorExec() {}

    /** Skips (or fails) unless this kernel has seccomp filters and libseccomp can be loaded. */
    public static void require() {
        NativeBuild.requireCompiler();
        KernelRequirement.assumeOrFail(seccompFilterMode(), "kernel has no seccomp filter mode (CONFIG_SECCOMP_FILTER)");
        String lib = SeccompFilterBuilder.probe();
        KernelRequirement.assumeOrFail(lib.isEmpty(), lib + " (apt-get install libseccomp2)");
        KernelRequirement.assumeOrFail("root".equals(System.getProperty("user.name")), "varmor-exec enters a mount namespace: needs root");
    }

    private static boolean seccompFilterMode() {
        try {
            return Files.readString(Path.of("/proc/self/status")).contains("Seccomp_filters:")
                    || Files.exists(Path.of("/proc/sys/kernel/seccomp/actions_avail"));
        } catch (IOException e) {
            return false;
        }
    }

    /** A fresh scratch directory under {@code target/seccomp-exec/}. */
    public static Path scratch() {
        try {
            return Files.createDirectories(NativeBuild.moduleDir().resolve("target/seccomp-exec/" + UUID.randomUUID().toString().substring(0, 8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exports {@code profile}'s classic-BPF filter into {@code dir}. */
    public static Path export(Policies.Compiled profile, Path dir) {
        Path filter = dir.resolve("seccomp.bpf");
        SeccompFilterBuilder.export(profile.profile(), filter);
        return filter;
    }

    /** {@code varmor-exec [--seccomp FILTER --seccomp-log] -- cmd…} (no filter when {@code filter} is null). */
    public static List<String> command(Path filter, List<String> cmd) {
        List<String> c = new ArrayList<>(List.of(NativeBuild.launcher().toString()));
        if (filter != null) {
            c.addAll(List.of("--seccomp", filter.toString(), "--seccomp-log"));
        }
        c.add("--");
        c.addAll(cmd);
        return c;
    }

    /** Runs the probe cases under {@code filter} in one busybox shell started by varmor-exec. */
    public static Proc.Output runCases(Path probe, Path filter, Path dir, List<ProbeCase> cases) {
        return Proc.run(command(filter, List.of("/bin/busybox", "sh", "-c", Expect.script(probe.toString(), dir.toString(), cases))),
                dir, Duration.ofSeconds(60));
    }
}
