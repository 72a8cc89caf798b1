package org.example.varmor.landlock;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs commands through the real {@code varmor-exec}, taken from the varmor CLI artefact (test scope), so the
 * plugin's rulesets meet the kernel. Needs root (the launcher unshares a mount namespace) and Landlock; without them
 * tests are skipped, or fail under {@code VARMOR_REQUIRE_KERNEL_TESTS=1} (CI).
 */
final class VarmorExec {
    private VarmorExec() {}

    /** Exit code and combined output of one run. */
    record Run(int exit, String output) {}

    static void require(boolean condition, String what) {
        if (!condition) {
            if ("1".equals(System.getenv("VARMOR_REQUIRE_KERNEL_TESTS"))) {
                fail("kernel test requirement missing: " + what);
            }
            Assumptions.assumeTrue(false, what);
        }
    }

    static Path extract(Path dir) throws IOException {
        try (InputStream in = VarmorExec.class.getResourceAsStream("/native/varmor-exec")) {
            require(in != null, "varmor-exec is not on the test classpath (io.varmor:distribution)");
            Path exe = dir.resolve("varmor-exec");
            Files.write(exe, in.readAllBytes());
            exe.toFile().setExecutable(true);
            return exe;
        }
    }

    static void requireRootAndLandlock() {
        require("root".equals(System.getProperty("user.name")), "root (varmor-exec unshares a mount namespace)");
        AbiProbe.Result r;
        try {
            r = AbiProbe.probe();
        } catch (RuntimeException | LinkageError e) {
            r = new AbiProbe.Result(0, -1);
        }
        require(r.ok() && r.abi() >= 4, "Landlock ABI 4 or later (TCP rules); probe: " + r);
    }

    static Run run(Path exe, List<String> launcherArgs, String shell) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(exe.toString()));
        argv.addAll(launcherArgs);
        argv.addAll(List.of("--", "bash", "-c", shell));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("varmor-exec did not finish: " + out);
        }
        return new Run(p.exitValue(), out);
    }
}
