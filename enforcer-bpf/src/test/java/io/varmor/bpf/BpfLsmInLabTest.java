package io.varmor.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.testkit.GuestJava;
import io.varmor.testkit.KernelLabExtension;
import io.varmor.testkit.Lab;
import io.varmor.testkit.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Real BPF LSM enforcement, loaded from Java (jnr-ffi + libbpf) inside the kernel lab guest. */
@Tag("kernel-lab")
@ExtendWith(KernelLabExtension.class)
class BpfLsmInLabTest {

    @Test
    void javaLoadedLsmProgramDeniesOpenOnlyInsideTargetMountNamespaceAndReportsEvent(Lab lab) {
        Result r = lab.run(GuestJava.argv(LabSmokeGuestMain.class), Duration.ofMinutes(3), Path.of("/"));
        System.out.println("[kernel-lab] LabSmokeGuestMain in " + r.duration().toMillis() + " ms:\n" + r.stdout());
        assertEquals(0, r.exitCode(), r::describe);
        Map<String, String> kv = parse(r.stdout());
        String secret = kv.get("secret");

        assertEquals("1", kv.get("inside.rc"), r::describe);
        assertTrue(kv.get("inside.out").contains("Operation not permitted"), r::describe);
        assertEquals("0", kv.get("inside_other.rc"), "other files stay readable in the target ns\n" + r.describe());
        assertEquals("0", kv.get("outside.rc"), "outside the target ns the open is allowed\n" + r.describe());
        assertEquals("top secret", kv.get("outside.out"));
        assertNotEquals(kv.get("self.mntns"), kv.get("target.mntns"));
        assertEquals("0", kv.get("after_detach.rc"), "destroying the link detaches the hook\n" + r.describe());

        assertEquals("1", kv.get("events"), "exactly the one denial is reported\n" + r.describe());
        assertEquals("pid=" + kv.get("inside.pid") + " mntns=" + kv.get("target.mntns") + " ret=-1 comm=cat path="
                + secret, kv.get("event"));
    }

    private static Map<String, String> parse(String out) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return kv;
    }
}
