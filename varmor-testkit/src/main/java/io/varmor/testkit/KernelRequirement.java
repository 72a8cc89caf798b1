package io.varmor.testkit;

import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * Skip-or-fail policy for tests that need a real kernel feature (the kernel lab, BPF LSM, AppArmor...).
 *
 * <p>By default a missing prerequisite skips the test (JUnit assumption) and prints the reason. When the
 * environment variable {@value #REQUIRE_ENV} is {@code 1} (CI sets it) the same situation fails the test
 * instead, so a CI machine that silently lost qemu or the kernel package cannot go green by skipping.
 */
public final class KernelRequirement {
    /** Environment variable that turns skips into failures when set to {@code 1}. */
    public static final String REQUIRE_ENV = "VARMOR_REQUIRE_KERNEL_TESTS";

    private KernelRequirement() {
    }

    /**
     * Returns normally when {@code ok}; otherwise skips (or fails, see class doc) with {@code reason}.
     *
     * @param ok     whether the requirement is met
     * @param reason human-readable reason printed and attached to the skip/failure
     */
    public static void assumeOrFail(boolean ok, String reason) {
        assumeOrFail(ok, reason, System.getenv(REQUIRE_ENV));
    }

    static void assumeOrFail(boolean ok, String reason, String requireEnvValue) {
        if (ok) {
            return;
        }
        if (required(requireEnvValue)) {
            throw new AssertionFailedError("kernel test required (" + REQUIRE_ENV + "=1) but cannot run: " + reason);
        }
        System.out.println("[kernel-test skipped] " + reason);
        Assumptions.abort("kernel test skipped: " + reason);
    }

    /** Whether skips are currently turned into failures. */
    public static boolean required() {
        return required(System.getenv(REQUIRE_ENV));
    }

    private static boolean required(String value) {
        return value != null && value.trim().equals("1");
    }
}
