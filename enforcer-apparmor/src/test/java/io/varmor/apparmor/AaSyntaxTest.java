package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.catalog.BuiltinRules;
import java.util.List;
import org.junit.jupiter.api.Test;

class AaSyntaxTest {
    @Test
    void wildcardsPassThroughAndMetacharactersAreEscaped() {
        assertEquals("/etc/**", AaSyntax.path("/etc/**"));
        assertEquals("/a\\?b\\{c\\}\\[d\\]\\,e*", AaSyntax.path("/a?b{c}[d],e*"));
        assertEquals("\"/a b/\\\"q\\\"\"", AaSyntax.path("/a b/\"q\""));
        assertEquals("/x\\@\\{y\\}", AaSyntax.path("/x@{y}"));
    }

    @Test
    void diskDeviceVariableIsKeptOnlyForTheBuiltinPattern() {
        assertEquals("/dev/@{varmor_disk_devices}", AaSyntax.path(BuiltinRules.DISK_DEVICES));
        assertEquals("/dev/x/\\@\\{varmor_disk_devices\\}", AaSyntax.path("/dev/x/@{varmor_disk_devices}"));
    }

    @Test
    void leadingDoubleStarAlsoMatchesFilesUnderRoot() {
        String g = AaSyntax.path("**/runc*");
        assertEquals("/{**/,}runc*", g);
        assertTrue(AaGlob.matches(g, "/runc"));
        assertTrue(AaGlob.matches(g, "/usr/bin/runc.amd64"));
        assertFalse(AaGlob.matches(g, "/usr/bin/xrunc"));
    }

    @Test
    void executableTargetsAreLiteral() {
        assertEquals("/opt/app\\*", AaSyntax.literalPath("/opt/app*"));
    }

    @Test
    void notFamilyMatchesEveryLabelButTheProfileAndItsChildren() {
        String glob = AaSyntax.notFamily("varmor-demo-demo");
        for (String other : List.of("unconfined", "varmor-demo-other", "varmor-demo-demo2", "varmor-demo-dem", "v",
                "cri-containerd.apparmor.d", "varmor-demo-demo/x", "varmor-demo-demo/", "varmor-demo-demox//child_0")) {
            assertTrue(AaGlob.matches(glob, other), other);
        }
        for (String own : List.of("varmor-demo-demo", "varmor-demo-demo//child_0", "varmor-demo-demo//child_12")) {
            assertFalse(AaGlob.matches(glob, own), own);
        }
        assertTrue(AaGlob.matches(AaSyntax.family("varmor-demo-demo"), "varmor-demo-demo//child_0"));
        assertFalse(AaGlob.matches(AaSyntax.family("varmor-demo-demo"), "varmor-demo-demo2"));
    }
}
