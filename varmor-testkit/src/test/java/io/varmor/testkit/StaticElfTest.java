package io.varmor.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class StaticElfTest {

    @Test
    void dynamicExecutablesAndNonElfFilesAreNotStatic() {
        assertFalse(StaticElf.isStatic(Path.of("/bin/sh")));
        assertFalse(StaticElf.isStatic(Path.of("/etc/hostname")));
        assertFalse(StaticElf.isStatic(Path.of("/nonexistent")));
    }

    @Test
    void busyboxStaticIsStatic() {
        Assumptions.assumeTrue(Files.exists(KernelCache.BUSYBOX), "busybox not installed");
        assertTrue(StaticElf.isStatic(KernelCache.BUSYBOX));
    }
}
