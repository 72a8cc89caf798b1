package io.varmor.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.testkit.KernelLabExtension;
import io.varmor.testkit.Lab;
import io.varmor.testkit.Result;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Real AppArmor enforcement in the kernel lab: a profile loaded with apparmor_parser confines aa-exec. */
@Tag("kernel-lab")
@ExtendWith(KernelLabExtension.class)
class AppArmorInLabTest {
    private static final Path ROOT = Path.of("/");
    private static final Duration T = Duration.ofSeconds(60);

    @Test
    void loadedProfileDeniesReadForConfinedProcessOnly(Lab lab) {
        Result setup = lab.run("""
                set -e
                d=/tmp/varmor-aa
                mkdir -p $d && echo 'top secret' > $d/secret && echo 'public' > $d/public
                cat > $d/profile <<EOF
                abi <abi/3.0>,
                include <tunables/global>
                profile varmor-lab-deny flags=(attach_disconnected) {
                  include <abstractions/base>
                  file,
                  deny $d/secret r,
                }
                EOF
                apparmor_parser -r -K $d/profile
                grep 'varmor-lab-deny (enforce)' /sys/kernel/security/apparmor/profiles
                """, T, ROOT);
        assertEquals(0, setup.exitCode(), setup::describe);

        Result confined = lab.run("aa-exec -p varmor-lab-deny -- cat /tmp/varmor-aa/secret", T, ROOT);
        assertNotEquals(0, confined.exitCode(), confined::describe);
        assertTrue(confined.stderr().contains("Permission denied"), confined::describe);

        Result label = lab.run("aa-exec -p varmor-lab-deny -- cat /proc/self/attr/current /tmp/varmor-aa/public",
                T, ROOT);
        assertEquals("varmor-lab-deny (enforce)\npublic", label.stdout().strip(), label::describe);

        Result unconfined = lab.run("cat /tmp/varmor-aa/secret", T, ROOT);
        assertEquals(0, unconfined.exitCode(), unconfined::describe);
        assertEquals("top secret", unconfined.stdout().strip());
    }
}
