package org.example.varmor.landlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.event.ViolationEvent;
import io.varmor.core.spi.TargetBinding;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LandlockAuditReaderTest {
    private final List<ViolationEvent> events = new ArrayList<>();
    private final LandlockProfile profile = new LandlockProfile(
            List.of(new LandlockProfile.FsDeny("/tmp/ll/denied", true, Access.WRITE, true, "spec.files[0]"),
                    new LandlockProfile.FsDeny("/etc/shadow", false, EnumSet.of(Access.READ_FILE), false, "disable-access-shadow")),
            List.of(new LandlockProfile.PortDeny(8081, 8081, true, "spec.egress[0]")), List.of());
    private final LandlockAuditReader reader = new LandlockAuditReader(
            new TargetBinding("varmor-test-ll", 4026532000L, 0, 4242, 0, Map.of("policyName", "ll")), events::add, profile);

    /** A record as the kernel log follower passes it on (the text after the kmsg header). */
    private static String kmsg(int type, long serial, String body) {
        return "audit: type=" + type + " audit(1795695691.793:" + serial + "): " + body;
    }

    @Test
    void reportsTheSandboxsDenialsOnceItsDomainIsKnown() {
        reader.record(kmsg(1423, 10, "domain=1a6fdc66f blockers=fs.write_file path=\"/tmp/ll/denied/x\" dev=\"vda\" ino=12"));
        assertEquals(List.of(), events);
        reader.record(kmsg(1424, 10, "domain=1a6fdc66f status=allocated mode=enforcing pid=4242 uid=0 exe=\"/x/varmor-exec\" comm=\"varmor-exec\""));
        reader.record(kmsg(1423, 11, "domain=1a6fdc66f blockers=net.connect_tcp daddr=127.0.0.1 dest=8081"));
        assertEquals(2, events.size());
        ViolationEvent file = events.get(0);
        assertEquals("Landlock", file.enforcer());
        assertEquals("DENIED", file.action());
        assertEquals("spec.files[0]", file.ruleId());
        assertEquals("/tmp/ll/denied/x", file.event().get("path"));
        assertEquals("1795695691.793:10", file.event().get("auditID"));
        assertEquals("ll", file.policyName());
        assertEquals("spec.egress[0]", events.get(1).ruleId());
        assertEquals("8081", events.get(1).event().get("port"));
    }

    @Test
    void ignoresOtherDomainsAndSilentRules() {
        reader.record(kmsg(1424, 20, "domain=beef status=allocated mode=enforcing pid=1 uid=0 exe=\"/bin/x\" comm=\"x\""));
        reader.record(kmsg(1423, 21, "domain=beef blockers=fs.read_file path=\"/etc/shadow\" dev=\"vda\" ino=3"));
        reader.record(kmsg(1424, 22, "domain=cafe status=allocated mode=enforcing pid=4242 uid=0 exe=\"/x\" comm=\"x\""));
        reader.record(kmsg(1423, 23, "domain=cafe blockers=fs.read_file path=\"/etc/shadow\" dev=\"vda\" ino=3"));
        reader.record("audit: type=1326 audit(1795695691.793:24): pid=4242 syscall=272");
        assertEquals(List.of(), events);
    }

    @Test
    void attributesAncestorDenialsToTheRuleThatFrozeThem() {
        reader.record(kmsg(1424, 30, "domain=cafe status=allocated mode=enforcing pid=4242 uid=0 exe=\"/x\" comm=\"x\""));
        reader.record(kmsg(1423, 31, "domain=cafe blockers=fs.make_reg path=\"/tmp\" dev=\"vda\" ino=2"));
        assertEquals(1, events.size());
        assertTrue(events.get(0).ruleId().startsWith("spec.files[0] (ancestor"), events.get(0).ruleId());
    }
}
