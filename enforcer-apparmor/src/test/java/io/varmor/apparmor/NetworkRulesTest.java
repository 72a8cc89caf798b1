package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.ir.Disposition;
import io.varmor.core.ir.IrRule;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NetworkRulesTest {
    private static List<String> render(Set<Integer> domains, Set<Integer> types, Set<Integer> protocols) {
        return NetworkRules.render(new IrRule.Socket(new TreeSet<>(domains), new TreeSet<>(types), new TreeSet<>(protocols),
                true, Disposition.DENY, "x", List.of()));
    }

    @Test
    void protocolsBecomeTheFamilyAndTypeThatCarryThem() {
        assertEquals(List.of("network inet raw", "network inet stream", "network inet6 stream"), render(Set.of(), Set.of(), Set.of(1, 6)));
        assertEquals(List.of("network inet6 dgram"), render(Set.of(10), Set.of(), Set.of(17)));
        assertEquals(List.of(), render(Set.of(1), Set.of(), Set.of(6)), "unix sockets never carry TCP");
    }

    @Test
    void familiesAndTypesCombine() {
        assertEquals(List.of("network unix stream", "network netlink stream"), render(Set.of(1, 16), Set.of(1), Set.of()));
        assertEquals(List.of("network raw"), render(Set.of(), Set.of(3), Set.of()));
    }

    @Test
    void theObsoletePacketTypeIsSpelledPerFamilyBecausePacketAloneIsTheFamily() {
        List<String> lines = render(Set.of(), Set.of(10), Set.of());
        assertTrue(lines.contains("network inet packet"));
        assertTrue(lines.stream().noneMatch(l -> l.equals("network packet")));
        assertEquals(List.of("network packet"), render(Set.of(17), Set.of(), Set.of()));
    }
}
