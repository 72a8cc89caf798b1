package io.varmor.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class KernelRequirementTest {

    @Test
    void metRequirementPassesWhateverTheEnvironment() {
        assertDoesNotThrow(() -> KernelRequirement.assumeOrFail(true, "x", "1"));
        assertDoesNotThrow(() -> KernelRequirement.assumeOrFail(true, "x", null));
    }

    @Test
    void unmetRequirementSkipsByDefault() {
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> KernelRequirement.assumeOrFail(false, "no qemu", null));
        assertTrue(e.getMessage().contains("no qemu"));
        assertThrows(TestAbortedException.class, () -> KernelRequirement.assumeOrFail(false, "no qemu", "0"));
    }

    @Test
    void unmetRequirementFailsWhenCiRequiresKernelTests() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> KernelRequirement.assumeOrFail(false, "no qemu", "1"));
        assertTrue(e.getMessage().contains("VARMOR_REQUIRE_KERNEL_TESTS=1"));
        assertTrue(e.getMessage().contains("no qemu"));
    }
}
