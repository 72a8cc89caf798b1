package io.varmor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code varmor doctor} tells, per enforcer, whether this host can enforce and why not. */
class DoctorCommandTest {
    @Test
    void eachEnforcerIsReportedWithTheReasonWhenUnavailable() {
        HostRequirement.seccompAndRoot();
        CliTest.Run r = CliTest.run("doctor");
        assertEquals(0, r.exit(), "Seccomp enforces on this host: " + r.out() + r.err());
        assertTrue(r.out().matches("(?s).*\\nSeccomp\\s+available .*"), r.out());
        if (!Files.exists(Path.of("/sys/module/apparmor/parameters/enabled"))) {
            assertTrue(r.out().matches("(?s).*\\nAppArmor\\s+UNAVAILABLE\\s+AppArmor: not enabled in the kernel.*"), r.out());
        }
        assertTrue(r.out().matches("(?s).*\\nBPF\\s+(available|UNAVAILABLE)\\s+BPF LSM: .*"), r.out());
        if (r.out().contains("BPF       UNAVAILABLE")) {
            assertTrue(r.out().contains("EPERM") || r.out().contains("not"), "the reason is given: " + r.out());
        }
        assertTrue(r.out().contains("kernel:") && r.out().contains("seccomp:"), r.out());
    }
}
