package io.varmor.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Boot failures are bounded and explain themselves with the guest console (each test boots its own qemu). */
@Tag("kernel-lab")
class KernelLabBootFailureTest {

    @BeforeAll
    static void labMustBeAvailable() {
        LabConfig c = LabConfig.fromEnvironment();
        KernelRequirement.assumeOrFail(KernelLab.unavailableReason(c).isEmpty(),
                KernelLab.unavailableReason(c).orElse(""));
        try {
            KernelLab.prepare(c);
        } catch (LabUnavailableException e) {
            KernelRequirement.assumeOrFail(false, e.getMessage());
        }
    }

    @Test
    void kernelPanicFailsTheBootWithTheConsoleTailInTheMessage() {
        LabConfig c = LabConfig.fromEnvironment().withKernelArgs("rdinit=/nonexistent");
        long t0 = System.nanoTime();
        LabException e = assertThrows(LabException.class, () -> KernelLab.start(c).close());
        assertTrue(e.getMessage().contains("qemu exited"), e::getMessage);
        assertTrue(e.getMessage().contains("Kernel panic"), e::getMessage);
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 120, "bounded");
    }

    @Test
    void bootTimeoutKillsQemuAndSaysHowToRaiseIt() {
        LabConfig c = LabConfig.fromEnvironment().withBootTimeout(Duration.ofSeconds(1));
        long t0 = System.nanoTime();
        LabException e = assertThrows(LabException.class, () -> KernelLab.start(c).close());
        assertTrue(e.getMessage().contains("guest not ready after 1 s"), e::getMessage);
        assertTrue(e.getMessage().contains("VARMOR_LAB_BOOT_TIMEOUT"), e::getMessage);
        assertTrue(e.getMessage().contains("--- guest console"), e::getMessage);
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 30, "bounded");
    }
}
