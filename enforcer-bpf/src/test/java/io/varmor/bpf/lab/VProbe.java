package io.varmor.bpf.lab;

import java.nio.file.Path;

/**
 * Builds {@code src/test/c/vprobe.c} (static, so the lab guest runs it as is) into {@code target/bpf-native/vprobe};
 * rebuilt only when the source is newer. No compiler: the calling test skips (fails under
 * {@code VARMOR_REQUIRE_KERNEL_TESTS=1}).
 */
public final class VProbe {
    private VProbe() {}

    static Path moduleDir() {
        String b = System.getProperty("basedir");
        return (b != null ? Path.of(b) : Path.of("")).toAbsolutePath();
    }

    /** The binary, built on first use. */
    public static Path binary() {
        return io.varmor.testkit.CHelper.build(moduleDir().resolve("src/test/c/vprobe.c"),
                moduleDir().resolve("target/bpf-native/vprobe"), "-static");
    }
}
