package org.example.varmor.landlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LandlockProfileTest {
    @Test
    void roundTripsThroughItsText() {
        LandlockProfile p = new LandlockProfile(
                List.of(new LandlockProfile.FsDeny("/tmp/a b/\\x\ny", true, Access.WRITE, true, "spec.x[0]"),
                        new LandlockProfile.FsDeny("/etc/passwd", false, EnumSet.of(Access.READ_FILE), false, "disable-access-passwd")),
                List.of(new LandlockProfile.PortDeny(22, 22, false, "spec.y[1]")),
                List.of(new LandlockProfile.PtraceDeny(true, "disallow-access-procfs-root")));
        String text = p.toText("comment");
        assertEquals(p, LandlockProfile.parse(text));
        assertTrue(text.contains("deny-fs exact read_file deny disable-access-passwd /etc/passwd\n"), text);
        assertTrue(text.contains("deny-connect 22-22 deny spec.y[1]\n"), text);
    }

    @Test
    void namesTheLineItCannotParse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LandlockProfile.parse("landlock-profile 1\ndeny-fs beneath bogus deny o /x\n"));
        assertTrue(e.getMessage().startsWith("Landlock profile line 2: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LandlockProfile.parse("{\"json\": true}"));
    }
}
