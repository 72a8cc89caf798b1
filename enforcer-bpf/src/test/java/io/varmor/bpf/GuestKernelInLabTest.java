package io.varmor.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.testkit.KernelLabExtension;
import io.varmor.testkit.Lab;
import io.varmor.testkit.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lab guest kernel offers what the enforcers need: BPF LSM and AppArmor both active. */
@Tag("kernel-lab")
@ExtendWith(KernelLabExtension.class)
class GuestKernelInLabTest {

    @Test
    void securityfsListsBpfLsm(Lab lab) {
        Result r = lab.run(List.of("cat", "/sys/kernel/security/lsm"), Duration.ofSeconds(30), Path.of("/"));
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(List.of(r.stdout().trim().split(",")).contains("bpf"), r::describe);
    }

    @Test
    void appArmorIsEnabled(Lab lab) {
        Result r = lab.run("cat /sys/module/apparmor/parameters/enabled; test -d /sys/kernel/security/apparmor",
                Duration.ofSeconds(30), Path.of("/"));
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("Y", r.stdout().trim());
    }

    @Test
    void bpffsAndCgroup2AreMounted(Lab lab) {
        Result r = lab.run("stat -f -c %T /sys/fs/bpf /sys/fs/cgroup", Duration.ofSeconds(30), Path.of("/"));
        assertEquals(List.of("bpf_fs", "cgroup2fs"), List.of(r.stdout().trim().split("\n")), r::describe);
    }
}
