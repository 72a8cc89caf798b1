package io.varmor.bpf.lab;

import io.varmor.testkit.KernelRequirement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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
    public static synchronized Path binary() {
        Path src = moduleDir().resolve("src/test/c/vprobe.c");
        Path out = moduleDir().resolve("target/bpf-native/vprobe");
        try {
            if (Files.isExecutable(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(src)) >= 0) {
                return out;
            }
            Files.createDirectories(out.getParent());
            Process p = new ProcessBuilder("cc", "-static", "-O2", "-Wall", "-o", out.toString(), src.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new AssertionError("cannot compile " + src + "\n" + log);
            }
            return out;
        } catch (IOException e) {
            KernelRequirement.assumeOrFail(false, "no C compiler (cc) to build vprobe: " + e.getMessage());
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
