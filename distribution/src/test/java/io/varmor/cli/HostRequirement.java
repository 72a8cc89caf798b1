package io.varmor.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Host-kernel test prerequisites. Missing prerequisites skip the test with a reason, except when
 * {@code VARMOR_REQUIRE_KERNEL_TESTS=1} (CI), where they fail it.
 */
final class HostRequirement {
    private HostRequirement() {}

    static void seccompAndRoot() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean seccomp = Files.exists(Path.of("/proc/sys/kernel/seccomp/actions_avail"));
        require(root && seccomp, "needs root and a kernel with seccomp filters (root=" + root + ", seccomp=" + seccomp + ")");
    }

    static void require(boolean ok, String reason) {
        if (ok) {
            return;
        }
        if ("1".equals(System.getenv("VARMOR_REQUIRE_KERNEL_TESTS"))) {
            throw new AssertionError("required kernel test cannot run: " + reason);
        }
        System.out.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
    }
}
