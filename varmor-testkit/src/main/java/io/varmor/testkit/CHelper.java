package io.varmor.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Builds the C helpers tests run (vprobe, the Seccomp probe, varmor-exec): {@code cc LINK_MODE -O2 -Wall -o OUT SOURCE},
 * only when the binary is missing or older than its source. Static link modes let the kernel-lab guest run the binary
 * as it is. No compiler: the calling test skips (fails under {@code VARMOR_REQUIRE_KERNEL_TESTS=1}); a compile error
 * always fails it.
 */
public final class CHelper {
    private CHelper() {}

    /**
     * @param source   the C file
     * @param out      the binary to write
     * @param linkMode e.g. {@code -static} or {@code -static-pie}
     */
    public static synchronized Path build(Path source, Path out, String linkMode) {
        KernelRequirement.assumeOrFail(Files.isRegularFile(source), "source not found: " + source);
        try {
            if (Files.isExecutable(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(source)) >= 0) {
                return out;
            }
            Files.createDirectories(out.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process p;
        try {
            p = new ProcessBuilder("cc", linkMode, "-O2", "-Wall", "-o", out.toString(), source.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            KernelRequirement.assumeOrFail(false, "no C compiler (cc) to build " + source.getFileName() + ": " + e.getMessage());
            throw new UncheckedIOException(e);
        }
        try {
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("cannot compile " + source + "\n" + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }
}
