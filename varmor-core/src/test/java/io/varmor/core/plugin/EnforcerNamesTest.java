package io.varmor.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnforcerNamesTest {
    @Test
    void concatenationsInAnyCaseAndOrderParse() {
        assertEquals(Set.of("AppArmor", "BPF", "Seccomp"), EnforcerNames.parse("AppArmorBPFSeccomp", EnforcerNames.VARMOR).names());
        assertEquals(Set.of("BPF", "NetworkProxy"), EnforcerNames.parse("bpfnetworkproxy", EnforcerNames.VARMOR).names());
        assertEquals(Set.of("Seccomp", "AppArmor"), EnforcerNames.parse("Seccomp, AppArmor", EnforcerNames.VARMOR).names());
    }

    @Test
    void textThatNamesNoEnforcerIsRejected() {
        assertTrue(EnforcerNames.parse("SELinux", EnforcerNames.VARMOR).unparsed().isPresent());
        assertEquals("Foo", EnforcerNames.parse("AppArmorFoo", EnforcerNames.VARMOR).unparsed().orElseThrow());
        assertTrue(EnforcerNames.parse("", EnforcerNames.VARMOR).unparsed().isPresent());
    }

    @Test
    void pluginNamesJoinTheVocabulary() {
        List<String> known = List.of("AppArmor", "BPF", "Seccomp", "NetworkProxy", "Landlock");
        assertEquals(Set.of("Landlock", "Seccomp"), EnforcerNames.parse("LandlockSeccomp", known).names());
    }
}
