package io.varmor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabConfigTest {

    @Test
    void defaultsUseHomeCacheAnd180SecondBoot() {
        LabConfig c = LabConfig.fromEnvironment(Map.of());
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "varmor-lab").toAbsolutePath(), c.cacheDir());
        assertEquals(Duration.ofSeconds(180), c.bootTimeout());
        assertNull(c.kernelPackage());
    }

    @Test
    void environmentOverridesCacheTimeoutAndKernel() {
        LabConfig c = LabConfig.fromEnvironment(Map.of("VARMOR_LAB_CACHE", "/var/tmp/lab",
                "VARMOR_LAB_BOOT_TIMEOUT", "240", "VARMOR_LAB_KERNEL_PACKAGE", "linux-image-6.1.0-1-amd64"));
        assertEquals(Path.of("/var/tmp/lab"), c.cacheDir());
        assertEquals(Duration.ofSeconds(240), c.bootTimeout());
        assertEquals("linux-image-6.1.0-1-amd64", c.kernelPackage());
    }

    @Test
    void writableDirsMustBeSafeForTheQemuCommandLine() {
        LabConfig c = LabConfig.fromEnvironment(Map.of());
        assertEquals(List.of(Path.of("/work/out")), c.withWritableDir(Path.of("/work/out")).writableDirs());
        assertThrows(IllegalArgumentException.class, () -> c.withWritableDir(Path.of("/work/a,b")));
        assertThrows(IllegalArgumentException.class, () -> c.withWritableDir(Path.of("/work/a b")));
    }

    @Test
    void qemuCommandUsesTcgNeverKvmAndSharesHostRootReadOnly() {
        LabConfig c = LabConfig.fromEnvironment(Map.of()).withWritableDir(Path.of("/work/out"));
        List<String> cmd = KernelLab.qemuCommand(c, new KernelCache.Prepared("k", "r", Path.of("/c/vmlinuz"),
                Path.of("/c/initramfs")), Path.of("/tmp/varmor-lab-1"));
        String line = String.join(" ", cmd);
        assertTrue(line.contains("-accel tcg"), line);
        assertTrue(!line.contains("kvm"), line);
        assertTrue(line.contains("local,path=/,mount_tag=hostroot,security_model=passthrough,multidevs=remap,readonly=on"));
        assertTrue(line.contains("path=/tmp/varmor-lab-1,mount_tag=share,"), line);
        assertTrue(line.contains("path=/work/out,mount_tag=rw0,"), line);
        assertTrue(line.contains("VARMOR_SHARE=/tmp/varmor-lab-1"), line);
    }
}
