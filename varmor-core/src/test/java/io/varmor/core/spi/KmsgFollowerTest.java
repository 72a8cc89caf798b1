package io.varmor.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which kernel log lines a follower passes on, and what it counts as lost. */
class KmsgFollowerTest {
    static String line(long usec, String text) {
        return "5,1234," + usec + ",-;" + text;
    }

    @Test
    void passesWantedRecordsLoggedAfterItStartedAndCountsWhatTheKernelLost() {
        List<String> got = new ArrayList<>();
        KmsgFollower f = KmsgFollower.unstarted(t -> t.contains("type=1326"), got::add);
        long now = KmsgFollower.uptimeMicros();
        f.handle(line(now - 10_000_000, "audit: type=1326 audit(1.0:1): old"));   // before it started
        f.handle(line(now + 1_000, "audit: type=1326 audit(2.0:2): new"));
        f.handle(line(now + 2_000, "audit: type=1400 audit(3.0:3): apparmor=\"DENIED\""));  // not wanted
        f.handle(line(now + 3_000, "audit: audit_lost=7 audit_rate_limit=0 audit_backlog_limit=64"));
        f.handle(line(now + 4_000, "kauditd_printk_skb: 12 callbacks suppressed"));
        f.handle(line(now - 10_000_000, "kauditd_printk_skb: 99 callbacks suppressed")); // before it started
        f.handle("no header");
        assertEquals(List.of("audit: type=1326 audit(2.0:2): new"), got);
        assertEquals(19, f.lost());
    }
}
