package io.varmor.seccomp.hostreal;

import io.varmor.testkit.KernelRequirement;
import java.nio.file.Path;

/**
 * Builds the static C helpers the host-real tests run: the probe ({@code src/test/c/probe.c}) and varmor's launcher
 * ({@code distribution/src/main/c/varmor-exec.c}). Outputs go to {@code target/seccomp-native/} and are rebuilt only
 * when the source is newer. A missing compiler skips the calling test (or fails it under
 * {@code VARMOR_REQUIRE_KERNEL_TESTS=1}); a compile error always fails it.
 */
public final class NativeBuild {
    private NativeBuild() {}

    /** The enforcer-seccomp module directory (Surefire's {@code basedir}, else the working directory). */
    public static Path moduleDir() {
        String b = System.getProperty("basedir");
        return (b != null ? Path.of(b) : Path.of("")).toAbsolutePath();
    }

    /** The static probe binary. */
    public static synchronized Path probe() {
        return build(moduleDir().resolve("src/test/c/probe.c"), "probe", "-static");
    }

    /** The static-pie varmor-exec launcher. */
    public static synchronized Path launcher() {
        return build(moduleDir().resolve("../distribution/src/main/c/varmor-exec.c").normalize(), "varmor-exec", "-static-pie");
    }

    /** Skips (or fails) unless a C compiler is on PATH. */
    public static void requireCompiler() {
        KernelRequirement.assumeOrFail(Proc.onPath("cc"), "no C compiler (cc) on PATH: run scripts/seccomp-deps.sh");
    }

    private static Path build(Path source, String name, String linkMode) {
        requireCompiler();
        return io.varmor.testkit.CHelper.build(source, moduleDir().resolve("target/seccomp-native/" + name), linkMode);
    }
}
