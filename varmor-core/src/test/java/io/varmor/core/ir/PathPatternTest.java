package io.varmor.core.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathPatternTest {
    @Test
    void shapesDecomposeForTableLookups() {
        assertEquals(PathPattern.Shape.EXACT, PathPattern.of("/etc/passwd").shape());
        assertEquals(PathPattern.Shape.PREFIX, PathPattern.of("/etc/**").shape());
        assertEquals(PathPattern.Shape.SUFFIX, PathPattern.of("/**/bash").shape());
        assertEquals(PathPattern.Shape.PREFIX_SUFFIX, PathPattern.of("/sys/fs/cgroup/**/release_agent").shape());
        assertEquals(PathPattern.Shape.CHAIN, PathPattern.of("/**/.ssh/**").shape());
        assertEquals(List.of("devices"), PathPattern.of("/**/devices/**/cgroup.procs").components());
        assertEquals(PathPattern.Shape.BASENAME, PathPattern.of("ping*").shape());
        assertEquals(PathPattern.Shape.GENERAL, PathPattern.of("/a/*/b").shape());
        assertEquals(PathPattern.Shape.GENERAL, PathPattern.of("/a**b**c").shape());
    }

    @Test
    void exactPatternsAreExactNotPrefixes() {
        assertTrue(PathPattern.of("/etc/passwd").matches("/etc/passwd"));
        assertFalse(PathPattern.of("/etc/passwd").matches("/etc/passwd-"));
    }

    @Test
    void singleStarStaysWithinAComponentDoubleStarCrossesThem() {
        assertTrue(PathPattern.of("/proc/*/mem").matches("/proc/1/mem"));
        assertFalse(PathPattern.of("/proc/*/mem").matches("/proc/1/task/2/mem"));
        assertTrue(PathPattern.of("/proc/**/mem").matches("/proc/1/task/2/mem"));
        assertTrue(PathPattern.of("/**/.ssh/**").matches("/home/u/.ssh/id_rsa"));
        assertFalse(PathPattern.of("/**/.ssh/**").matches("/home/u/.sshx/id_rsa"));
    }
}
